"""Follow-up rows the worker adds itself: feedback nags, calendar syncs, card refreshes. Times
are pure."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from portal.db.database import Database
from portal.db.outbox import OutboxRow, dedupe_key, enqueue
from portal.interviews.notify import refresh_cards
from portal.notifications import kinds

FEEDBACK_REMINDERS = 5
FEEDBACK_HOUR = time(10, 0)
WORKING_DAYS = frozenset(range(5))  # Monday..Friday


def next_working_morning(after: datetime, zone: str, at: time = FEEDBACK_HOUR) -> datetime:
    """`at` o'clock on the first working day after `after`'s local date, as aware UTC."""
    tz = ZoneInfo(zone)
    day = after.astimezone(tz).date() + timedelta(days=1)
    while day.weekday() not in WORKING_DAYS:
        day += timedelta(days=1)
    return datetime.combine(day, at, tzinfo=tz).astimezone(ZoneInfo("UTC"))


def feedback_number(row: OutboxRow) -> int:
    value = row.payload.get("reminder", 1)
    return value if isinstance(value, int) and value > 0 else 1


async def enqueue_next_feedback(db: Database, row: OutboxRow, *, now: datetime, zone: str) -> None:
    """After feedback reminder n (not yet submitted), queue n+1 for the next working morning."""
    number = feedback_number(row)
    if number >= FEEDBACK_REMINDERS or row.interview_id is None:
        return
    payload = {**row.payload, "reminder": number + 1}
    version = row.payload.get("version", 0)
    await enqueue(
        db,
        kind=kinds.FEEDBACK_DUE,
        recipient=row.recipient,
        payload=payload,
        dedupe=dedupe_key(kinds.FEEDBACK_DUE, row.interview_id, row.recipient, version, number + 1),
        now=now,
        due_at=next_working_morning(now, zone),
        interview_id=row.interview_id,
    )


async def enqueue_calendar_sync(db: Database, row: OutboxRow, *, now: datetime) -> None:
    """Bring the recipient's WeCom calendar in step with the interview, as its own row."""
    if row.interview_id is None:
        return
    await enqueue(
        db,
        kind=kinds.CALENDAR_SYNC,
        recipient=row.recipient,
        payload={"interview_id": row.interview_id, "after": row.kind},
        dedupe=dedupe_key(kinds.CALENDAR_SYNC, row.id),
        now=now,
        due_at=now,
        interview_id=row.interview_id,
    )


async def enqueue_card_refresh(db: Database, row: OutboxRow, *, now: datetime) -> None:
    """After a change reached (or could not reach) the recipient, their earlier cards follow."""
    if row.interview_id is not None:
        await refresh_cards(
            db, row.interview_id, row.recipient, tag=f"after{row.id}", now=now, besides=row.id
        )
