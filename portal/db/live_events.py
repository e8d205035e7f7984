"""The live-status feed: ordered rows behind SSE ids, catch-up and cross-process NOTIFY.

Ids are handed out in commit order, so "every event after id N" is exact: SQLite serialises
writers anyway, and on PostgreSQL the append takes a transaction-scoped advisory lock (a
sequence alone hands out ids at insert time, and a later id could commit first).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import interview_interviewers, interviews, live_events

# pg_advisory_xact_lock key for appends ("portal live" in spirit; any constant works).
APPEND_LOCK_KEY = 7_041_531_230_001


@dataclass(frozen=True)
class FeedRow:
    id: int
    interview_id: int
    kind: str


@dataclass(frozen=True)
class FeedBounds:
    oldest: int | None
    newest: int | None


async def append(
    db: Database, *, interview_id: int, kind: str, at: datetime, notify: str | None = None
) -> int:
    """Record one event in its own transaction; with `notify`, NOTIFY that channel at commit."""
    async with db.transaction():
        if db.is_postgres:
            await db.execute(sa.select(sa.func.pg_advisory_xact_lock(APPEND_LOCK_KEY)))
        new_id = int(
            await db.execute(
                live_events.insert().values(interview_id=interview_id, kind=kind, created_at=at)
            )
        )
        if notify is not None:
            payload = json.dumps({"id": new_id, "interview_id": interview_id, "kind": kind})
            await db.execute(sa.select(sa.func.pg_notify(notify, payload)))
    return new_id


async def rows_after(db: Database, after: int, *, limit: int) -> list[FeedRow]:
    """Events with id > `after`, oldest first (a listener catching up after a reconnect)."""
    query = (
        sa.select(live_events.c.id, live_events.c.interview_id, live_events.c.kind)
        .where(live_events.c.id > after)
        .order_by(live_events.c.id)
        .limit(limit)
    )
    return [FeedRow(**row) for row in await db.fetch_all(query)]


async def changed_after(
    db: Database, after: int, *, interview_id: int | None = None, limit: int
) -> list[FeedRow]:
    """One row per interview changed since `after` (its newest event), oldest first."""
    newest = sa.func.max(live_events.c.id).label("id")
    query = (
        sa.select(newest, live_events.c.interview_id, sa.literal("replay").label("kind"))
        .where(live_events.c.id > after)
        .group_by(live_events.c.interview_id)
        .order_by(newest)
        .limit(limit)
    )
    if interview_id is not None:
        query = query.where(live_events.c.interview_id == interview_id)
    return [FeedRow(**row) for row in await db.fetch_all(query)]


async def bounds(db: Database) -> FeedBounds:
    query = sa.select(
        sa.func.min(live_events.c.id).label("oldest"), sa.func.max(live_events.c.id).label("newest")
    )
    row = await db.fetch_one(query)
    return FeedBounds(oldest=row["oldest"], newest=row["newest"]) if row else FeedBounds(None, None)


async def newest_id(db: Database) -> int:
    """The id of the last event so far (0 before the first)."""
    return int(await db.fetch_val(sa.select(sa.func.coalesce(sa.func.max(live_events.c.id), 0))))


async def resume_point(db: Database, *, before: datetime) -> int:
    """The newest id recorded before `before`; with none, the point before the oldest event."""
    older = (
        sa.select(live_events.c.id)
        .where(live_events.c.created_at < before)
        .order_by(live_events.c.id.desc())
        .limit(1)
    )
    found = await db.fetch_val(older)
    if found is not None:
        return int(found)
    oldest = await db.fetch_val(sa.select(sa.func.min(live_events.c.id)))
    return int(oldest) - 1 if oldest is not None else 0


async def prune(db: Database, *, before: datetime) -> None:
    """Drop events older than `before`, always keeping the newest so ids never restart."""
    newest = sa.select(sa.func.max(live_events.c.id)).scalar_subquery()
    await db.execute(
        live_events.delete().where(live_events.c.created_at < before, live_events.c.id < newest)
    )


async def interview_exists(db: Database, interview_id: int) -> bool:
    query = sa.select(interviews.c.id).where(interviews.c.id == interview_id)
    return await db.fetch_val(query) is not None


async def is_on_interview(db: Database, interview_id: int, person_id: int) -> bool:
    """True when the person is one of the interview's (current) interviewers."""
    query = sa.select(interview_interviewers.c.person_id).where(
        interview_interviewers.c.interview_id == interview_id,
        interview_interviewers.c.person_id == person_id,
        interview_interviewers.c.active.is_(True),
    )
    return await db.fetch_val(query) is not None
