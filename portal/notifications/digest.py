"""The HR morning digest: a periodic job queues one `daily_digest` per opted-in HR person."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from portal.db.database import Database
from portal.db.outbox import dedupe_key, enqueue
from portal.db.people import list_digest_subscribers
from portal.notifications.kinds import DAILY_DIGEST
from portal.notifications.prepare import zone_or

DIGEST_AT = time(8, 0)
# After this local hour the day's digest is stale; the next one is tomorrow's.
DIGEST_UNTIL = time(12, 0)


def digest_slot(now: datetime, zone: str) -> tuple[date, datetime]:
    """The digest to queue now: its local date and when it is due (aware UTC)."""
    local = now.astimezone(ZoneInfo(zone))
    day = local.date() if local.time() < DIGEST_UNTIL else local.date() + timedelta(days=1)
    due = datetime.combine(day, DIGEST_AT, tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))
    return day, max(due, now)


async def enqueue_digests(db: Database, *, now: datetime, default_zone: str) -> int:
    """Queue the next digest of every active HR person who opted in; returns how many are new."""
    subscribers = await list_digest_subscribers(db)
    added = 0
    async with db.transaction():
        for person in subscribers:
            day, due = digest_slot(now, zone_or(person.timezone, default_zone))
            added += await enqueue(
                db,
                kind=DAILY_DIGEST,
                recipient=person.wecom_userid,
                payload={"date": day.isoformat()},
                dedupe=dedupe_key(DAILY_DIGEST, day.isoformat(), person.wecom_userid),
                now=now,
                due_at=due,
            )
    return added
