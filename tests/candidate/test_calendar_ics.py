"""The .ics file, read back with the icalendar parser: UID, SEQUENCE, times, STATUS."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Component

from portal.calendar_ics import CalendarEntry, build_ics, uid_for
from tests.support.when import NOW, days_after, local_day

SUMMARY = "Interview: Backend Engineer, round 1 (Acme)"
DESCRIPTION = "Bring your laptop.\n\nYour interview page: https://portal.example.com/c/t"
ROOM = "https://meet.example.com/r/1"
# An interview the day after `NOW`, 10:00 in Shanghai (02:00 UTC).
TOMORROW_10 = days_after(NOW, 1, time(10))
# The zone cases below are about fixed dates (a DST start, standard and summer time), so their
# files are stamped at a fixed moment before all of them.
BEFORE_2026_DATES = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)


def entry(
    starts_at: datetime,
    *,
    version: int = 1,
    summary: str = SUMMARY,
    location: str | None = ROOM,
    url: str | None = ROOM,
    cancelled: bool = False,
) -> CalendarEntry:
    return CalendarEntry(
        interview_id=12,
        version=version,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        summary=summary,
        description=DESCRIPTION,
        location=location,
        url=url,
        cancelled=cancelled,
    )


def parsed_event(data: bytes) -> tuple[Calendar, Component]:
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


@pytest.mark.parametrize(
    ("zone", "local", "now"),
    [
        ("Asia/Shanghai", datetime.combine(local_day(NOW, 1), time(10)), NOW),
        # the day after DST starts (2026-03-08)
        ("America/New_York", datetime(2026, 3, 9, 9, 30), BEFORE_2026_DATES),
        ("America/New_York", datetime(2026, 12, 2, 9, 30), BEFORE_2026_DATES),  # standard time
        ("Europe/London", datetime(2026, 7, 1, 14, 0), BEFORE_2026_DATES),  # BST
    ],
)
def test_build_ics_times_match_interview_in_zone(zone: str, local: datetime, now: datetime) -> None:
    starts_at = local.replace(tzinfo=ZoneInfo(zone))
    calendar, event = parsed_event(build_ics(entry(starts_at), host="portal.example.com", now=now))
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == starts_at and end == starts_at + timedelta(hours=1)
    assert start.utcoffset() == timedelta(0)  # written in UTC: no VTIMEZONE needed
    assert start.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == local
    assert event.decoded("DTSTAMP") == now
    assert str(calendar["METHOD"]) == "PUBLISH" and str(calendar["VERSION"]) == "2.0"
    assert b"DTSTART:" in build_ics(entry(starts_at), host="h", now=now)


def test_build_ics_uid_stable_and_sequence_follows_version() -> None:
    starts_at = TOMORROW_10
    _, first = parsed_event(build_ics(entry(starts_at), host="portal.example.com", now=NOW))
    later = entry(starts_at + timedelta(days=1), version=3)
    _, moved = parsed_event(build_ics(later, host="portal.example.com", now=NOW))
    assert str(first["UID"]) == str(moved["UID"]) == uid_for(12, "portal.example.com")
    assert str(first["UID"]) == "interview-12@portal.example.com"
    assert first.decoded("SEQUENCE") == 0 and moved.decoded("SEQUENCE") == 2
    assert first.decoded("DTSTAMP") == NOW


def test_build_ics_cancelled_interview_has_status_cancelled() -> None:
    starts_at = TOMORROW_10
    _, live = parsed_event(build_ics(entry(starts_at), host="h", now=NOW))
    _, gone = parsed_event(build_ics(entry(starts_at, cancelled=True), host="h", now=NOW))
    assert str(live["STATUS"]) == "CONFIRMED" and str(gone["STATUS"]) == "CANCELLED"


def test_build_ics_texts_survive_escaping() -> None:
    starts_at = TOMORROW_10
    text = entry(starts_at, summary="面试：后端, 第 1 轮; Acme", location=None, url=None)
    _, event = parsed_event(build_ics(text, host="h", now=NOW))
    assert str(event["SUMMARY"]) == "面试：后端, 第 1 轮; Acme"
    assert "Bring your laptop." in str(event["DESCRIPTION"])
    assert "LOCATION" not in event and "URL" not in event


def test_build_ics_naive_time_is_refused() -> None:
    with pytest.raises(ValueError):
        build_ics(entry(TOMORROW_10.replace(tzinfo=None)), host="h", now=NOW)
