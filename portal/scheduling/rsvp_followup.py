"""RSVP follow-up times: when to remind an interviewer who has not replied, and when HR hears.

Working days are Monday to Friday in the interview's zone, counted at the same local time:
an invitation on Friday at 15:00 is two working days old on Tuesday at 15:00. A weekend
invitation starts its clock on the next Monday at `WORKDAY_START` (Saturday → Wednesday 09:00).
Pure: the caller gives "now" and the zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

WORKING_DAYS = frozenset(range(5))  # Monday..Friday
WORKDAY_START = time(9, 0)
NO_REPLY_DAYS = 2
# Before an interview that starts too soon for two working days, remind a day ahead...
BEFORE_START = timedelta(days=1)
# ...unless that is this close to the invitation (then no reminder: the start is near anyway).
MIN_WAIT = timedelta(hours=4)


def add_working_days(moment: datetime, days: int, zone: str) -> datetime:
    """`days` working days after `moment` at the same local time in `zone`, as aware UTC."""
    if moment.tzinfo is None:
        raise ValueError("add_working_days needs an aware datetime")
    tz = ZoneInfo(zone)
    local = moment.astimezone(tz)
    day, at = local.date(), local.timetz().replace(tzinfo=None)
    if day.weekday() not in WORKING_DAYS:
        while day.weekday() not in WORKING_DAYS:
            day += timedelta(days=1)
        at = WORKDAY_START
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() in WORKING_DAYS:
            counted += 1
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def rsvp_overdue(invited_at: datetime, now: datetime, zone: str) -> bool:
    """No reply for `NO_REPLY_DAYS` working days since the invitation."""
    return now >= add_working_days(invited_at, NO_REPLY_DAYS, zone)


def reminder_due(invited_at: datetime, starts_at: datetime, zone: str) -> datetime | None:
    """When to remind an interviewer who has not replied: two working days after the
    invitation, or a day before the start if that comes first; None when even that would be
    less than `MIN_WAIT` after the invitation (the interview is too close for a reminder)."""
    due = add_working_days(invited_at, NO_REPLY_DAYS, zone)
    latest = starts_at - BEFORE_START
    if due <= latest:
        return due
    return latest if latest >= invited_at + MIN_WAIT else None
