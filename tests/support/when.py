"""Test dates computed from today, so the suite holds on any day it runs."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


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
