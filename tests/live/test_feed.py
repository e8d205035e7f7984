"""The live_events feed and catch-up (both databases)."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.db import live_events
from portal.db.database import Database
from portal.db.live_events import FeedRow
from portal.live import prune_feed, replay_after
from tests.support.when import NOW


async def append(db: Database, interview_id: int, *, at: datetime = NOW) -> int:
    return await live_events.append(db, interview_id=interview_id, kind="status", at=at)


async def test_feed_ids_increase_from_one(db: Database) -> None:
    assert await live_events.newest_id(db) == 0
    assert [await append(db, 3), await append(db, 4)] == [1, 2]
    assert await live_events.newest_id(db) == 2


async def test_replay_one_row_per_interview_newest_event_in_feed_order(db: Database) -> None:
    for interview_id in (1, 2, 1, 3, 2):
        await append(db, interview_id)
    replay = await replay_after(db, 1)
    assert not replay.stale
    assert [(row.interview_id, row.id) for row in replay.items] == [(1, 3), (3, 4), (2, 5)]
    assert replay.last_id == 5


async def test_replay_for_one_interview(db: Database) -> None:
    for interview_id in (1, 2, 1, 2):
        await append(db, interview_id)
    replay = await replay_after(db, 0, interview_id=2)
    assert replay.items == [FeedRow(4, 2, "replay")]


async def test_replay_up_to_date_cursor_is_empty(db: Database) -> None:
    await append(db, 1)
    replay = await replay_after(db, 1)
    assert (replay.items, replay.last_id, replay.stale) == ([], 1, False)
    assert not (await replay_after(db, 0)).stale  # a page rendered before the first event


async def test_replay_stale_when_cursor_is_unknown_or_too_far_behind(db: Database) -> None:
    for interview_id in range(1, 5):
        await append(db, interview_id)
    assert (await replay_after(db, 9)).stale  # from another (or a reset) database
    assert (await replay_after(db, 0, limit=3)).stale  # more interviews than a replay sends
    assert not (await replay_after(db, 0, limit=4)).stale


async def test_prune_drops_old_events_but_keeps_the_newest(db: Database) -> None:
    old = NOW - timedelta(days=2)
    for interview_id in (1, 2, 3):
        await append(db, interview_id, at=old)
    await prune_feed(db, now=NOW)
    assert await live_events.bounds(db) == live_events.FeedBounds(oldest=3, newest=3)
    assert (await replay_after(db, 1)).stale  # event 2 is gone: the page reloads
    assert not (await replay_after(db, 2)).stale
    assert await append(db, 4) == 4  # ids never restart


async def test_resume_point_is_the_newest_event_before_the_moment(db: Database) -> None:
    assert await live_events.resume_point(db, before=NOW) == 0  # no events yet
    for minutes in (10, 5, 0):
        await append(db, 1, at=NOW - timedelta(minutes=minutes))
    assert await live_events.resume_point(db, before=NOW - timedelta(minutes=1)) == 2
    assert await live_events.resume_point(db, before=NOW + timedelta(seconds=1)) == 3
    # Nothing that old: resume before the oldest event still kept, which is never stale.
    assert await live_events.resume_point(db, before=NOW - timedelta(hours=1)) == 0
    await prune_feed(db, now=NOW + timedelta(days=1, minutes=7))
    assert await live_events.resume_point(db, before=NOW - timedelta(hours=1)) == 2
    assert not (await replay_after(db, 2)).stale
