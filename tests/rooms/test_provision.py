"""Rooms follow interviews: booked, made by the worker with retries, edited, kept, closed."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from portal.clock import FrozenClock
from portal.db.database import Database
from portal.interviews import service
from portal.rooms.provision import retry_failed
from portal.scheduling import CancelDraft, RescheduleDraft, Slot
from portal.scheduling.rooms import RoomKind
from tests.factories import World
from tests.rooms.conftest import BASE, ROOMS_ON, Book, Rooms
from tests.rooms.support import room_row, seats
from tests.support.platform import PlatformControl


async def test_booking_queues_the_room_and_the_worker_makes_it(
    db: Database, world: World, book: Book, rooms: Rooms, platform: PlatformControl
) -> None:
    detail = await book()
    assert detail.room is not None and detail.room.state == "preparing"
    assert platform.rooms() == []  # booking never waits for the platform
    assert await rooms.run() == 1
    row = await room_row(db, detail.id)
    assert row["state"] == "ready" and row["uid"]
    made = platform.room(row["uid"])
    assert made["candidate_name"] == detail.candidate_name
    assert made["redirect_uri"] == f"{BASE}/mine/{detail.id}"
    assert {seat["uid"] for seat in made["interviewer_urls"]} == {"zhangwei", "lina"}
    stored = await seats(db, detail.id)
    by_uid = {seat["uid"]: seat["interviewer_url"] for seat in made["interviewer_urls"]}
    assert stored == {
        world["zhangwei"].id: by_uid["zhangwei"],
        world["lina"].id: by_uid["lina"],
    }
    assert row["candidate_url"] == made["candidate_url"]
    assert [e.kind for e in world.hub.events][-1] == "room"  # the pages hear it is ready
    assert await rooms.run() == 0  # nothing left to do


async def test_platform_down_while_booking_the_room_arrives_later(
    db: Database, book: Book, rooms: Rooms, platform: PlatformControl, clock: FrozenClock
) -> None:
    platform.fault(path="interviews:create", http_status=503, times=1)
    detail = await book()
    assert detail.status.value == "scheduled"
    await rooms.run()
    row = await room_row(db, detail.id)
    assert row["state"] == "preparing" and row["uid"] is None
    assert row["last_error"] and row["attempts"] == 1
    assert await rooms.run() == 0  # backing off: not due yet
    clock.advance(timedelta(seconds=30))
    await rooms.run()
    row = await room_row(db, detail.id)
    assert row["state"] == "ready" and row["last_error"] is None
    assert len(platform.rooms()) == 1


async def test_a_create_that_timed_out_but_succeeded_is_found_not_duplicated(
    db: Database, book: Book, rooms: Rooms, platform: PlatformControl, clock: FrozenClock
) -> None:
    platform.fault(path="interviews:create", delay_s=1.5, times=1)  # the client waits 1 s
    detail = await book()
    await rooms.run()
    row = await room_row(db, detail.id)
    assert row["uid"] is None and row["create_sent_at"] is not None
    clock.advance(timedelta(seconds=30))
    await rooms.run()
    row = await room_row(db, detail.id)
    assert row["state"] == "ready"
    made = platform.rooms()
    assert len(made) == 1 and made[0]["uid"] == row["uid"]
    assert platform.calls("interviews:create") == 1
    assert platform.calls("interviews:list") >= 1


async def test_bad_credentials_fail_at_once_and_hr_can_retry(
    db: Database, world: World, book: Book, rooms: Rooms, platform: PlatformControl
) -> None:
    platform.fault(path="interviews:create", errcode=10001, times=1)
    detail = await book()
    await rooms.run()
    row = await room_row(db, detail.id)
    assert row["state"] == "failed" and row["last_errcode"] == 10001
    assert await rooms.run() == 0  # parked: no retries until HR acts
    retried = await retry_failed(db, world.hub, detail.id, actor=world.hr("liuyang"), now=world.now)
    assert retried
    await rooms.run()
    assert (await room_row(db, detail.id))["state"] == "ready"


async def test_transient_failures_past_the_retries_park_the_room(
    db: Database, book: Book, rooms: Rooms, platform: PlatformControl, clock: FrozenClock
) -> None:
    platform.fault(path="interviews:create", http_status=502)
    detail = await book()
    for _ in range(4):
        await rooms.run()
        clock.advance(timedelta(minutes=10))
    row = await room_row(db, detail.id)
    assert row["state"] == "failed"
    assert "did not answer after 3 tries" in row["last_error"]


async def test_panel_change_edits_the_room_and_revokes_the_removed_seat(
    db: Database, world: World, book: Book, rooms: Rooms, platform: PlatformControl
) -> None:
    detail = await book()
    await rooms.run()
    uid = (await room_row(db, detail.id))["uid"]
    kept = (await seats(db, detail.id))[world["zhangwei"].id]
    draft = world.draft(
        detail.starts_at, panel=("zhangwei", "sunhao"), room_url=None, version=detail.version
    )
    edited = await service.update(
        db, world.hub, detail.id, draft, actor=world.hr("liuyang"), now=world.now, policy=ROOMS_ON
    )
    assert edited.room is not None and edited.room.syncing
    await rooms.run()
    stored = await seats(db, detail.id)
    assert set(stored) == {world["zhangwei"].id, world["sunhao"].id}
    assert stored[world["zhangwei"].id] == kept  # a seat that stays keeps its link
    room = platform.room(uid)
    revoked = {s["uid"] for s in room["interviewer_urls"] if s["revoked"]}
    assert revoked == {"lina"}
    assert (await room_row(db, detail.id))["uid"] == uid


async def test_reschedule_keeps_the_room_and_cancel_closes_it(
    db: Database, world: World, book: Book, rooms: Rooms, platform: PlatformControl
) -> None:
    detail = await book()
    await rooms.run()
    uid = (await room_row(db, detail.id))["uid"]
    later = Slot.starting(detail.starts_at + timedelta(hours=3), timedelta(hours=1))
    draft = RescheduleDraft(later, "Asia/Shanghai", None, False, detail.version)
    hr = world.hr("liuyang")
    moved = await service.reschedule(
        db, world.hub, detail.id, draft, actor=hr, now=world.now, policy=ROOMS_ON
    )
    assert await rooms.run() == 0  # links are permanent: nothing to tell the platform
    assert (await room_row(db, detail.id))["uid"] == uid
    cancel = CancelDraft("Position filled", moved.version)
    await service.cancel(db, world.hub, detail.id, cancel, actor=hr, now=world.now)
    row = await room_row(db, detail.id)
    assert row["state"] == "closed" and row["uid"] == uid
    assert len(platform.rooms()) == 1  # the platform has no delete; the portal stops


async def test_no_room_kind_gets_no_room(world: World, book: Book, rooms: Rooms) -> None:
    detail = await book(replace(world.draft(), room_kind=RoomKind.NONE))
    assert detail.room is None and detail.room_kind == "none"
    assert await rooms.run() == 0
