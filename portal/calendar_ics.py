"""An interview as an iCalendar file (RFC 5545) for the candidate's "Add to calendar".

The UID is stable per interview, so a calendar app that imports the file again updates the
event instead of adding a second one; SEQUENCE rises with the interview's version (0 for the
first), so the newest file wins. Times are written in UTC (`...Z`), which every calendar
app reads without a VTIMEZONE and shows in its own zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Calendar, Event

# The product id only (calendar apps do not show it): neutral, as the file is the candidate's.
PRODID = "-//portal//Interview calendar//EN"


@dataclass(frozen=True)
class CalendarEntry:
    """What the .ics says about one interview; texts already in the candidate's language."""

    interview_id: int
    version: int
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str
    location: str | None
    url: str | None
    cancelled: bool


def uid_for(interview_id: int, host: str) -> str:
    """The same UID for every download of one interview's file."""
    return f"interview-{interview_id}@{host}"


def build_ics(entry: CalendarEntry, *, host: str, now: datetime) -> bytes:
    """The calendar file: one VEVENT, METHOD:PUBLISH."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(_event(entry, host, now))
    return bytes(calendar.to_ical())


def _event(entry: CalendarEntry, host: str, now: datetime) -> Event:
    event = Event()
    event.add("uid", uid_for(entry.interview_id, host))
    event.add("sequence", max(entry.version - 1, 0))
    event.add("dtstamp", _utc(now))
    event.add("dtstart", _utc(entry.starts_at))
    event.add("dtend", _utc(entry.ends_at))
    event.add("summary", entry.summary)
    event.add("description", entry.description)
    if entry.location:
        event.add("location", entry.location)
    if entry.url:
        event.add("url", entry.url)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("calendar times must be aware")
    return moment.astimezone(UTC)
