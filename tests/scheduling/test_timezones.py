from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from portal.scheduling.timezones import (
    NONEXISTENT_TIME,
    NonexistentLocalTime,
    UnknownTimeZone,
    UtcRange,
    day_range,
    local_date,
    local_to_utc,
    this_week_range,
    today_range,
    utc_to_local,
    week_range,
    week_start,
    zone,
    zone_names,
)

NY = "America/New_York"
SHANGHAI = "Asia/Shanghai"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize("name", [NY, SHANGHAI, "UTC", "Europe/Berlin", "Asia/Kolkata"])
def test_zone_known_name_returns_zone(name: str) -> None:
    assert zone(name).key == name


@pytest.mark.parametrize(
    "name", ["", "Mars/Olympus", "america/new_york", "America", "../etc/passwd", "localtime"]
)
def test_zone_unknown_name_raises(name: str) -> None:
    with pytest.raises(UnknownTimeZone) as caught:
        zone(name)
    assert caught.value.params == {"zone": name}
    assert caught.value.status == 422


def test_zone_names_sorted_and_include_defaults() -> None:
    names = zone_names()
    assert names == sorted(names)
    assert {NY, SHANGHAI} <= set(names) and "localtime" not in names


@pytest.mark.parametrize(
    ("local", "tz", "expected"),
    [
        (datetime(2026, 5, 5, 10, 0), SHANGHAI, utc(2026, 5, 5, 2, 0)),
        (datetime(2026, 1, 1, 0, 0), SHANGHAI, utc(2025, 12, 31, 16, 0)),
        (datetime(2026, 3, 8, 1, 59), NY, utc(2026, 3, 8, 6, 59)),
        (datetime(2026, 3, 8, 3, 0), NY, utc(2026, 3, 8, 7, 0)),
        # The fold: 01:30 happens twice; the first one (EDT, UTC-4) wins.
        (datetime(2026, 11, 1, 1, 30), NY, utc(2026, 11, 1, 5, 30)),
        (datetime(2026, 11, 1, 2, 0), NY, utc(2026, 11, 1, 7, 0)),
    ],
)
def test_local_to_utc_existing_time_converts(local: datetime, tz: str, expected: datetime) -> None:
    assert local_to_utc(local, tz) == expected


def test_local_to_utc_fold_with_fold_one_still_takes_first_occurrence() -> None:
    assert local_to_utc(datetime(2026, 11, 1, 1, 30, fold=1), NY) == utc(2026, 11, 1, 5, 30)


@pytest.mark.parametrize(
    ("local", "suggestion"),
    [(datetime(2026, 3, 8, 2, 30), "03:30"), (datetime(2026, 3, 8, 2, 0), "03:00")],
)
def test_local_to_utc_gap_time_raises_with_suggestion(local: datetime, suggestion: str) -> None:
    with pytest.raises(NonexistentLocalTime) as caught:
        local_to_utc(local, NY)
    error = caught.value
    assert error.message == NONEXISTENT_TIME
    assert error.params == {
        "date": "2026-03-08",
        "time": local.strftime("%H:%M"),
        "zone": NY,
        "suggestion": suggestion,
    }
    assert "does not exist in America/New_York" in str(error)


def test_local_to_utc_aware_input_raises() -> None:
    with pytest.raises(ValueError):
        local_to_utc(utc(2026, 5, 5, 10), SHANGHAI)


def test_local_to_utc_unknown_zone_raises() -> None:
    with pytest.raises(UnknownTimeZone):
        local_to_utc(datetime(2026, 5, 5, 10), "Nowhere/Land")


def test_utc_to_local_shanghai_is_eight_hours_ahead() -> None:
    local = utc_to_local(utc(2026, 5, 5, 2, 0), SHANGHAI)
    assert (local.hour, local.utcoffset()) == (10, timedelta(hours=8))


def test_utc_to_local_naive_raises() -> None:
    with pytest.raises(ValueError):
        utc_to_local(datetime(2026, 5, 5, 2), SHANGHAI)


def test_local_date_late_utc_evening_is_next_day_in_shanghai() -> None:
    assert local_date(utc(2026, 5, 4, 16, 30), SHANGHAI) == date(2026, 5, 5)


@pytest.mark.parametrize(
    ("day", "tz", "start", "hours"),
    [
        (date(2026, 5, 5), SHANGHAI, utc(2026, 5, 4, 16), 24),
        (date(2026, 3, 8), NY, utc(2026, 3, 8, 5), 23),
        (date(2026, 11, 1), NY, utc(2026, 11, 1, 4), 25),
        # Midnight itself is in the gap (00:00 -> 01:00): the day starts at the jump.
        (date(2026, 9, 6), "America/Santiago", utc(2026, 9, 6, 4), 23),
        (date(2026, 4, 24), "Africa/Cairo", utc(2026, 4, 23, 22), 23),
    ],
)
def test_day_range_local_day_has_true_length(
    day: date, tz: str, start: datetime, hours: int
) -> None:
    span = day_range(day, tz)
    assert span.start == start
    assert span.duration == timedelta(hours=hours)
    assert local_date(span.start, tz) == day
    assert local_date(span.end - timedelta(microseconds=1), tz) == day


@pytest.mark.parametrize(
    ("day", "monday"),
    [(date(2026, 3, 2), date(2026, 3, 2)), (date(2026, 3, 8), date(2026, 3, 2))],
)
def test_week_start_any_day_returns_monday(day: date, monday: date) -> None:
    assert week_start(day) == monday


def test_week_range_with_spring_forward_is_167_hours() -> None:
    span = week_range(date(2026, 3, 8), NY)
    assert span == UtcRange(utc(2026, 3, 2, 5), utc(2026, 3, 9, 4))
    assert span.duration == timedelta(hours=167)


def test_today_range_after_utc_evening_in_shanghai_is_next_local_day() -> None:
    now = utc(2026, 5, 4, 16, 30)  # 00:30 on 5 May in Shanghai
    assert today_range(now, SHANGHAI) == UtcRange(utc(2026, 5, 4, 16), utc(2026, 5, 5, 16))


def test_this_week_range_sunday_night_in_shanghai_belongs_to_that_week() -> None:
    now = utc(2026, 5, 10, 15, 30)  # Sunday 23:30 in Shanghai
    span = this_week_range(now, SHANGHAI)
    assert span.start == utc(2026, 5, 3, 16)  # Monday 4 May 00:00 local
    assert now in span and span.end not in span
