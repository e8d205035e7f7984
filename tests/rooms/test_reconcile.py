"""Lost webhooks: the list API fills the gap, once, the way a webhook would."""

from __future__ import annotations

from datetime import timedelta

from portal.clock import FrozenClock
from portal.db import rooms as store
from portal.db.database import Database
from portal.rooms.reconcile import reconcile
from tests.factories import Booked, World
from tests.rooms.conftest import Rooms
from tests.rooms.support import history, recorded_events, room_row
from tests.support.platform import PlatformControl


async def _with_room(db: Database, world: World, rooms: Rooms) -> tuple[Booked, str]:
    booked = await world.interview(room_url=None, starts_in=timedelta(minutes=30))
    await store.want_room(db, booked.interview_id, type_id=1, now=world.now)
    await rooms.run()
    return booked, (await room_row(db, booked.interview_id))["uid"]


async def test_a_dropped_webhook_is_reconciled_once(
    db: Database, world: World, rooms: Rooms, platform: PlatformControl, clock: FrozenClock
) -> None:
    booked, uid = await _with_room(db, world, rooms)
    platform.fault(path="webhook", drop=True, times=2)
    clock.advance(timedelta(minutes=31))
    platform.event(uid, "interview_started")
    assert await reconcile(db, rooms.client, world.hub, now=clock.now()) == 0  # too soon to ask
    clock.advance(timedelta(minutes=5))
    assert await reconcile(db, rooms.client, world.hub, now=clock.now()) == 1
    assert await history(db, booked.interview_id) == [("scheduled", "in_progress", "platform")]
    clock.advance(timedelta(minutes=60))
    platform.event(uid, "interview_ended", rate=3)
    clock.advance(timedelta(minutes=5))
    assert await reconcile(db, rooms.client, world.hub, now=clock.now()) == 1
    assert await reconcile(db, rooms.client, world.hub, now=clock.now()) == 0
    assert [event["source"] for event in await recorded_events(db)] == ["reconcile", "reconcile"]
    row = await room_row(db, booked.interview_id)
    assert row["platform_status"] == "interview_ended" and row["rating"] == 3
    assert row["started_at"] is not None and row["ended_at"] > row["started_at"]
    assert [h[1] for h in await history(db, booked.interview_id)] == ["in_progress", "completed"]
    assert [w["dropped"] for w in platform.webhooks()] == [True, True]


async def test_quiet_rooms_are_asked_about_at_most_every_few_minutes(
    db: Database, world: World, rooms: Rooms, platform: PlatformControl, clock: FrozenClock
) -> None:
    await _with_room(db, world, rooms)
    clock.advance(timedelta(minutes=40))  # started 10 minutes ago, by the book; nobody came
    await reconcile(db, rooms.client, world.hub, now=clock.now())
    asked = platform.calls("interviews:list")
    await reconcile(db, rooms.client, world.hub, now=clock.now())
    assert platform.calls("interviews:list") == asked  # not again within five minutes
    clock.advance(timedelta(minutes=6))
    await reconcile(db, rooms.client, world.hub, now=clock.now())
    assert platform.calls("interviews:list") == asked + 1
