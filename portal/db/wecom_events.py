"""Processed WeCom callback events: the persisted keys that make WeCom's retries harmless."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal.db.database import Database, upsert
from portal.db.tables import callback_events, people


async def remember_event(
    db: Database, *, key: str, event: str, from_user: str | None, now: datetime
) -> bool:
    """Record an event key; False when it was recorded before (a retry of the same event)."""
    values = {"event_key": key, "event": event[:64], "from_user": from_user, "received_at": now}
    # INSERT .. ON CONFLICT DO NOTHING: two deliveries racing each other insert once.
    statement = (
        upsert(db, callback_events)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["event_key"])
    )
    inserted = await db.fetch_val(statement.returning(callback_events.c.event_key))
    return inserted is not None


async def event_seen(db: Database, key: str) -> bool:
    found = await db.fetch_val(
        sa.select(callback_events.c.event_key).where(callback_events.c.event_key == key)
    )
    return found is not None


async def prune_events(db: Database, *, before: datetime) -> None:
    await db.execute(callback_events.delete().where(callback_events.c.received_at < before))


async def event_count(db: Database) -> int:
    return int(await db.fetch_val(sa.select(sa.func.count()).select_from(callback_events)) or 0)


async def rename_member(db: Database, old: str, new: str, *, now: datetime) -> bool:
    """WeCom changed a member's userid: carry the person over, unless `new` is taken."""
    taken = await db.fetch_val(sa.select(people.c.id).where(people.c.wecom_userid == new))
    if taken is not None:
        return False
    await db.execute(
        people.update().where(people.c.wecom_userid == old).values(wecom_userid=new, updated_at=now)
    )
    return True
