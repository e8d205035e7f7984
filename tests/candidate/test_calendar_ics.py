"""The .ics file, read back with the icalendar parser: UID, SEQUENCE, times, STATUS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from portal.calendar_ics import CalendarEntry, build_ics, uid_for

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def entry(starts_at: datetime, **changes: object) -> CalendarEntry:
    values: dict[str, object] = {
        "interview_id": 12,
        "version": 1,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=1),
        "summary": "Interview: Backend Engineer, round 1 (Acme)",
        "description": "Bring your laptop.\n\nYour interview page: https://portal.example.com/c/t",
        "location": "https://meet.example.com/r/1",
        "url": "https://meet.example.com/r/1",
        "cancelled": False,
    }
    values.update(changes)
    return CalendarEntry(**values)  # type: ignore[arg-type]


def parsed_event(data: bytes) -> tuple[Calendar, object]:
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


@pytest.mark.parametrize(
    ("zone", "local"),
    [
        ("Asia/Shanghai", datetime(2026, 12, 2, 10, 0)),
        ("America/New_York", datetime(2026, 3, 9, 9, 30)),  # the day after DST starts
        ("America/New_York", datetime(2026, 12, 2, 9, 30)),  # standard time
        ("Europe/London", datetime(2026, 7, 1, 14, 0)),  # BST
    ],
)
def test_build_ics_times_match_interview_in_zone(zone: str, local: datetime) -> None:
    starts_at = local.replace(tzinfo=ZoneInfo(zone))
    calendar, event = parsed_event(build_ics(entry(starts_at), host="portal.example.com", now=NOW))
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == starts_at and end == starts_at + timedelta(hours=1)
    assert start.utcoffset() == timedelta(0)  # written in UTC: no VTIMEZONE needed
    assert start.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == local
    assert str(calendar["METHOD"]) == "PUBLISH" and str(calendar["VERSION"]) == "2.0"
    assert b"DTSTART:" in build_ics(entry(starts_at), host="h", now=NOW)


def test_build_ics_uid_stable_and_sequence_follows_version() -> None:
    starts_at = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
    _, first = parsed_event(build_ics(entry(starts_at), host="portal.example.com", now=NOW))
    later = entry(starts_at + timedelta(days=1), version=3)
    _, moved = parsed_event(build_ics(later, host="portal.example.com", now=NOW))
    assert str(first["UID"]) == str(moved["UID"]) == uid_for(12, "portal.example.com")
    assert str(first["UID"]) == "interview-12@portal.example.com"
    assert first.decoded("SEQUENCE") == 0 and moved.decoded("SEQUENCE") == 2
    assert first.decoded("DTSTAMP") == NOW


def test_build_ics_cancelled_interview_has_status_cancelled() -> None:
    starts_at = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
    _, live = parsed_event(build_ics(entry(starts_at), host="h", now=NOW))
    _, gone = parsed_event(build_ics(entry(starts_at, cancelled=True), host="h", now=NOW))
    assert str(live["STATUS"]) == "CONFIRMED" and str(gone["STATUS"]) == "CANCELLED"


def test_build_ics_texts_survive_escaping() -> None:
    starts_at = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
    text = entry(starts_at, summary="面试：后端, 第 1 轮; Acme", location=None, url=None)
    _, event = parsed_event(build_ics(text, host="h", now=NOW))
    assert str(event["SUMMARY"]) == "面试：后端, 第 1 轮; Acme"
    assert "Bring your laptop." in str(event["DESCRIPTION"])
    assert "LOCATION" not in event and "URL" not in event


def test_build_ics_naive_time_is_refused() -> None:
    with pytest.raises(ValueError):
        build_ics(entry(datetime(2026, 12, 2, 2, 0)), host="h", now=NOW)
