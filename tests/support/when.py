"""Test dates computed from today, so the suite holds on any day it runs.

`NOW` is where every test's frozen clock starts: the next Tuesday, 10:00 in Shanghai, at
least a day after the real clock. Interviews a test books "tomorrow" or "next Wednesday"
are then in the future both for the frozen clock and for a portal subprocess that runs on
the real one (the worker and live-status process tests).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)


def next_weekday_at(
    weekday: int, at: time, *, zone: ZoneInfo = SHANGHAI, after: datetime | None = None
) -> datetime:
    """The first `weekday` (Monday is 0) at local `at` in `zone` strictly after `after`, in UTC."""
    start = (after or datetime.now(UTC)).astimezone(zone)
    day = start.date()
    while True:
        candidate = datetime.combine(day, at, tzinfo=zone)
        if candidate.weekday() == weekday and candidate > start:
            return candidate.astimezone(UTC)
        day += timedelta(days=1)


def local_at(day: date, at: time, zone: ZoneInfo = SHANGHAI) -> datetime:
    """`at` o'clock on `day` in `zone`, in UTC."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def local_day(moment: datetime, days: int = 0, zone: ZoneInfo = SHANGHAI) -> date:
    """The local date in `zone`, `days` days after `moment`'s."""
    return moment.astimezone(zone).date() + timedelta(days=days)


def days_after(moment: datetime, days: int, at: time, zone: ZoneInfo = SHANGHAI) -> datetime:
    """`at` o'clock local time, `days` local days after `moment`'s local date, in UTC."""
    return local_at(moment.astimezone(zone).date() + timedelta(days=days), at, zone)


NOW = next_weekday_at(TUESDAY, time(10), after=datetime.now(UTC) + timedelta(days=1))
