"""Catch-up: what a reconnecting browser missed since its last event id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.db import live_events
from portal.db.database import Database
from portal.db.live_events import FeedRow

REPLAY_LIMIT = 500  # interviews; a browser further behind than that reloads the page
RETENTION = timedelta(hours=24)


@dataclass(frozen=True)
class Replay:
    items: list[FeedRow]  # one per changed interview, its newest event, oldest first
    last_id: int  # live events up to here are covered by `items`
    stale: bool  # the cursor cannot be served exactly (pruned, foreign, too far behind)


async def replay_after(
    db: Database, cursor: int, *, interview_id: int | None = None, limit: int = REPLAY_LIMIT
) -> Replay:
    """Every interview changed after `cursor`, or `stale` when that cannot be told exactly."""
    bounds = await live_events.bounds(db)
    newest = bounds.newest or 0
    pruned_past = bounds.oldest is not None and cursor < bounds.oldest - 1
    # A cursor beyond the newest id comes from another database (restored, or reset).
    if pruned_past or cursor > newest:
        return Replay([], cursor, stale=True)
    items = await live_events.changed_after(db, cursor, interview_id=interview_id, limit=limit + 1)
    if len(items) > limit:
        return Replay([], cursor, stale=True)
    return Replay(items, max([cursor, *(item.id for item in items)]), stale=False)


async def prune_feed(db: Database, *, now: datetime) -> None:
    """Forget events older than the retention window (a background job)."""
    await live_events.prune(db, before=now - RETENTION)
