"""POST /platform/webhook: signature, shape, once-only, and what each report changes."""

from __future__ import annotations

from datetime import timedelta

import httpx
from asgi_lifespan import LifespanManager

from portal.app import create_app
from portal.clock import FrozenClock
from portal.db import rooms as store
from portal.db.database import Database
from portal.platform import sign, webhook_body
from portal.platform.sandbox import DEMO_WEBHOOK_SECRET
from portal.rooms.events import apply_unapplied, record
from portal.scheduling.rooms import RoomEvent
from tests.conftest import SettingsFactory
from tests.factories import Booked, World, queue
from tests.interviews.support import outbox_rows
from tests.rooms.conftest import Rooms
from tests.rooms.support import history, recorded_events, room_row

URL = "/platform/webhook"


async def _with_room(
    db: Database, world: World, rooms: Rooms, **options: object
) -> tuple[Booked, str]:
    booked = await world.interview(room_url=None, **options)  # type: ignore[arg-type]
    await store.want_room(db, booked.interview_id, type_id=1, now=world.now)
    await rooms.run()
    return booked, (await room_row(db, booked.interview_id))["uid"]


async def _send(
    client: httpx.AsyncClient,
    event: str,
    uid: str,
    *,
    clock: FrozenClock,
    rate: int | None = None,
    secret: str = DEMO_WEBHOOK_SECRET,
    tid: str = "t-1",
) -> httpx.Response:
    body = webhook_body(event, uid, ts=int(clock.timestamp()), tid=tid, rate=rate)
    headers = {"Smb-Signature": sign(body, secret), "Content-Type": "application/json"}
    return await client.post(URL, content=body, headers=headers)


async def test_wrong_or_missing_signature_is_401_with_no_body(
    client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    wrong = await _send(client, "interview_started", "ABC", clock=clock, secret="not-the-secret-1")
    assert wrong.status_code == 401 and wrong.content == b""
    body = webhook_body("interview_started", "ABC", ts=1, tid="t")
    missing = await client.post(URL, content=body)
    assert missing.status_code == 401 and missing.content == b""


async def test_malformed_oversized_and_unknown_bodies(
    client: httpx.AsyncClient, db: Database, clock: FrozenClock
) -> None:
    for body in (b"not json", b"[]", b'{"event": "interview_started", "payload": {}}'):
        response = await client.post(
            URL, content=body, headers={"Smb-Signature": sign(body, DEMO_WEBHOOK_SECRET)}
        )
        assert response.status_code == 400, body
        assert response.json()["errmsg"]
    big = b"{" + b" " * (70 * 1024) + b"}"
    response = await client.post(
        URL, content=big, headers={"Smb-Signature": sign(big, DEMO_WEBHOOK_SECRET)}
    )
    assert response.status_code == 400
    unknown = await _send(client, "exam_submitted", "ABC", clock=clock)
    assert unknown.status_code == 200 and unknown.json()["errcode"] == 0
    assert await recorded_events(db) == []  # nothing half-written


async def test_room_reports_move_the_interview_and_store_the_rating(
    client: httpx.AsyncClient, db: Database, world: World, rooms: Rooms, clock: FrozenClock
) -> None:
    booked, uid = await _with_room(db, world, rooms, starts_in=timedelta(minutes=5))
    interview_id = booked.interview_id
    await queue(
        db, "feedback_due", "lina", interview_id=interview_id, due_at=world.now + timedelta(hours=3)
    )
    assert (await _send(client, "interview_opened", uid, clock=clock)).status_code == 200
    clock.advance(timedelta(minutes=6))
    assert (await _send(client, "interview_started", uid, clock=clock)).status_code == 200
    clock.advance(timedelta(minutes=50))
    ended = await _send(client, "interview_ended", uid, clock=clock, rate=4)
    assert ended.status_code == 200
    assert await history(db, interview_id) == [
        ("scheduled", "checked_in", "platform"),
        ("checked_in", "in_progress", "platform"),
        ("in_progress", "completed", "platform"),
    ]
    row = await room_row(db, interview_id)
    assert row["platform_status"] == "interview_ended" and row["rating"] == 4
    assert row["opened_at"] < row["started_at"] < row["ended_at"]
    due = await outbox_rows(db, kind="feedback_due", recipient="lina")
    assert due[0]["next_attempt_at"] == clock.now()  # the feedback chase starts now


async def test_a_retried_webhook_changes_the_interview_once(
    client: httpx.AsyncClient, db: Database, world: World, rooms: Rooms, clock: FrozenClock
) -> None:
    booked, uid = await _with_room(db, world, rooms)
    first = await _send(client, "interview_started", uid, clock=clock)
    clock.advance(timedelta(seconds=15))
    again = await _send(client, "interview_started", uid, clock=clock)  # fresh ts, same event
    assert first.status_code == again.status_code == 200
    assert await history(db, booked.interview_id) == [("scheduled", "in_progress", "platform")]


async def test_an_end_without_its_start_goes_through_in_progress(
    client: httpx.AsyncClient, db: Database, world: World, rooms: Rooms, clock: FrozenClock
) -> None:
    booked, uid = await _with_room(db, world, rooms)
    await _send(client, "interview_ended", uid, clock=clock, rate=5)
    late_start = await _send(client, "interview_started", uid, clock=clock)
    assert late_start.status_code == 200
    assert await history(db, booked.interview_id) == [
        ("scheduled", "in_progress", "platform"),
        ("in_progress", "completed", "platform"),
    ]
    assert (await room_row(db, booked.interview_id))["platform_status"] == "interview_ended"


async def test_a_report_for_an_unknown_room_is_acknowledged_and_dropped(
    client: httpx.AsyncClient, db: Database, clock: FrozenClock
) -> None:
    response = await _send(client, "interview_started", "NOSUCH01", clock=clock)
    assert response.status_code == 200
    [event] = await recorded_events(db)
    assert event["applied_at"] is not None


async def test_work_cut_short_after_the_answer_is_finished_by_the_sweep(
    db: Database, world: World, rooms: Rooms, clock: FrozenClock
) -> None:
    booked, uid = await _with_room(db, world, rooms)
    recorded = await record(
        db, RoomEvent.STARTED, uid, rate=None, ts=None, source="webhook", now=clock.now()
    )
    assert recorded is not None  # recorded, then the process died before applying it
    assert await apply_unapplied(db, world.hub, now=clock.now()) == 0  # too fresh to judge
    clock.advance(timedelta(minutes=1))
    assert await apply_unapplied(db, world.hub, now=clock.now()) == 1
    assert await apply_unapplied(db, world.hub, now=clock.now()) == 0
    assert await history(db, booked.interview_id) == [("scheduled", "in_progress", "platform")]


async def test_no_platform_configured_means_no_webhook_route(
    make_settings: SettingsFactory, sqlite_url: str
) -> None:
    app = create_app(make_settings(sqlite_url))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            assert (await http.post(URL, content=b"{}")).status_code == 404
