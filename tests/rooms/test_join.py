"""One tap into one's own seat: the join redirects, and who is refused, clearly."""

from __future__ import annotations

import logging
from datetime import timedelta

import httpx
import pytest

from portal.clock import FrozenClock
from portal.db import rooms as store
from portal.db.database import Database
from portal.db.interviews import get_detail
from portal.interviews import service
from portal.scheduling import CancelDraft, local_date
from tests.conftest import Auth
from tests.factories import Booked, World
from tests.rooms.conftest import ROOMS_ON, Rooms
from tests.rooms.support import room_row, seats
from tests.support.html import attr, one, soup, text
from tests.support.platform import PlatformControl

EN = {"Accept-Language": "en"}


async def _with_room(db: Database, world: World, rooms: Rooms, **options: object) -> Booked:
    booked = await world.interview(room_url=None, **options)  # type: ignore[arg-type]
    await store.want_room(db, booked.interview_id, type_id=1, now=world.now)
    await rooms.run()
    return booked


async def test_each_interviewer_lands_in_their_own_seat(
    client: httpx.AsyncClient,
    auth: Auth,
    db: Database,
    world: World,
    rooms: Rooms,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="portal")  # third-party loggers: see portal.logs
    booked = await _with_room(db, world, rooms)
    personal = await seats(db, booked.interview_id)
    for userid in ("lina", "zhangwei"):
        await auth.login_as(userid)
        response = await client.get(f"/mine/{booked.interview_id}/join")
        assert response.status_code == 303
        assert response.headers["location"] == personal[world[userid].id]
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["referrer-policy"] == "no-referrer"
        await auth.logout()
    row = await room_row(db, booked.interview_id)
    for link in [*personal.values(), row["candidate_url"], row["observer_url"]]:
        assert link not in caplog.text  # neither the worker nor the redirect logs a link


async def test_someone_off_the_panel_is_refused_and_sees_no_link(
    client: httpx.AsyncClient, auth: Auth, db: Database, world: World, rooms: Rooms
) -> None:
    booked = await _with_room(db, world, rooms)
    await auth.login_as("sunhao")
    response = await client.get(f"/mine/{booked.interview_id}/join", headers=EN)
    assert response.status_code == 403
    assert "not on this interview's panel" in text(soup(response), "#room-entry-message")
    for url in (await seats(db, booked.interview_id)).values():
        assert url not in response.text


async def test_a_removed_interviewer_gets_a_clear_page_not_their_old_seat(
    client: httpx.AsyncClient, auth: Auth, db: Database, world: World, rooms: Rooms
) -> None:
    detail = await service.create(
        db,
        world.hub,
        world.draft(room_url=None),
        actor=world.hr("liuyang"),
        now=world.now,
        policy=ROOMS_ON,
    )
    await rooms.run()
    old = (await seats(db, detail.id))[world["lina"].id]
    draft = world.draft(detail.starts_at, panel=("zhangwei",), room_url=None, version=1)
    await service.update(
        db, world.hub, detail.id, draft, actor=world.hr("liuyang"), now=world.now, policy=ROOMS_ON
    )
    await auth.login_as("lina")
    response = await client.get(f"/mine/{detail.id}/join", headers=EN)
    assert response.status_code == 403 and old not in response.text
    await rooms.run()  # the platform hears of the change; lina's seat is gone
    assert world["lina"].id not in await seats(db, detail.id)


async def test_while_the_room_is_prepared_the_page_says_so_and_retries(
    client: httpx.AsyncClient, auth: Auth, db: Database, world: World, platform: PlatformControl
) -> None:
    booked = await world.interview(room_url=None)
    await store.want_room(db, booked.interview_id, type_id=1, now=world.now)
    await auth.login_as("lina")
    response = await client.get(f"/mine/{booked.interview_id}/join", headers=EN)
    assert response.status_code == 503
    page = soup(response)
    assert "being prepared" in text(page, "#room-entry-message")
    assert attr(one(page, 'meta[http-equiv="refresh"]'), "content") == "5"
    detail_page = soup(await client.get(f"/mine/{booked.interview_id}", headers=EN))
    assert "Room being prepared" in text(detail_page, f"#room-{booked.interview_id}")


async def test_a_failed_room_falls_back_to_the_meeting_link(
    client: httpx.AsyncClient,
    auth: Auth,
    db: Database,
    world: World,
    rooms: Rooms,
    platform: PlatformControl,
) -> None:
    platform.fault(path="interviews:create", errcode=10003, times=1)
    booked = await world.interview(room_url="https://meet.example.com/backup")
    await store.want_room(db, booked.interview_id, type_id=1, now=world.now)
    await rooms.run()
    assert (await room_row(db, booked.interview_id))["state"] == "failed"
    await auth.login_as("lina")
    response = await client.get(f"/mine/{booked.interview_id}/join")
    assert response.headers["location"] == "https://meet.example.com/backup"


async def test_hr_sees_why_the_room_failed_and_retries_from_the_page(
    client: httpx.AsyncClient,
    hr: Auth,
    db: Database,
    world: World,
    rooms: Rooms,
    platform: PlatformControl,
) -> None:
    platform.fault(path="interviews:create", errcode=10001, times=1)
    booked = await world.interview(room_url=None)
    await store.want_room(db, booked.interview_id, type_id=1, now=world.now)
    await rooms.run()
    page = soup(await client.get(f"/interviews/{booked.interview_id}", headers=EN))
    block = one(page, f"#room-{booked.interview_id}")
    assert "Room could not be prepared" in block.get_text()
    assert "10001" in text(block, ".room-error")
    retry = one(block, "form")
    assert attr(retry, "action") == f"/interviews/{booked.interview_id}/room/retry"
    board = soup(await client.get("/board", params={"day": await _day(db, booked)}, headers=EN))
    assert "Room could not be prepared" in text(board, f"#interview-{booked.interview_id}")
    token = await hr.csrf_token()
    answer = await client.post(attr(retry, "action"), headers={"X-CSRF-Token": token, **EN})
    assert answer.status_code == 303
    assert (await room_row(db, booked.interview_id))["state"] == "preparing"
    await rooms.run()
    page = soup(await client.get(f"/interviews/{booked.interview_id}", headers=EN))
    assert "Room ready" in text(page, f"#room-{booked.interview_id}")


async def test_hr_opens_the_room_as_an_observer(
    client: httpx.AsyncClient, hr: Auth, db: Database, world: World, rooms: Rooms
) -> None:
    booked = await _with_room(db, world, rooms)
    row = await room_row(db, booked.interview_id)
    response = await client.get(f"/interviews/{booked.interview_id}/observe")
    assert response.status_code == 303 and response.headers["location"] == row["observer_url"]


async def test_cancelled_interview_hands_out_no_link(
    client: httpx.AsyncClient, auth: Auth, db: Database, world: World, rooms: Rooms
) -> None:
    booked = await _with_room(db, world, rooms)
    await service.cancel(
        db,
        world.hub,
        booked.interview_id,
        CancelDraft("Filled", 1),
        actor=world.hr("liuyang"),
        now=world.now,
    )
    await auth.login_as("lina")
    response = await client.get(f"/mine/{booked.interview_id}/join", headers=EN)
    assert response.status_code == 410
    assert "cancelled" in text(soup(response), "#room-entry-message")
    candidate = await client.get(f"{booked.path}/join", headers=EN)
    assert candidate.status_code == 403
    assert (await room_row(db, booked.interview_id))["candidate_url"] not in candidate.text


async def test_signed_out_interviewer_goes_through_login_first(client: httpx.AsyncClient) -> None:
    response = await client.get("/mine/7/join")
    assert response.status_code in (302, 303, 307)
    assert "/login" in response.headers["location"]
    assert "next=%2Fmine%2F7%2Fjoin" in response.headers["location"]


async def test_candidate_enters_inside_the_window_only(
    client: httpx.AsyncClient, db: Database, world: World, rooms: Rooms, clock: FrozenClock
) -> None:
    booked = await _with_room(db, world, rooms, starts_in=timedelta(hours=2))
    candidate_url = (await room_row(db, booked.interview_id))["candidate_url"]
    early = await client.get(f"{booked.path}/join", headers=EN)
    assert early.status_code == 403 and candidate_url not in early.text
    assert "opens 15 minutes before the start" in text(soup(early), "#room-entry-message")
    page = soup(await client.get(booked.path, headers=EN))
    assert page.select_one("#join-link") is None
    clock.advance(timedelta(hours=1, minutes=50))
    page = soup(await client.get(booked.path, headers=EN))
    assert attr(one(page, "#join-link"), "href") == f"{booked.path}/join"
    inside = await client.get(f"{booked.path}/join")
    assert inside.status_code == 303 and inside.headers["location"] == candidate_url
    clock.advance(timedelta(hours=1, minutes=45))  # 35 minutes after the end: past the grace
    late = await client.get(f"{booked.path}/join", headers=EN)
    assert late.status_code == 403
    assert "ended" in text(soup(late), "#room-entry-message")


async def test_personal_links_never_appear_on_anyone_elses_page(
    client: httpx.AsyncClient, auth: Auth, db: Database, world: World, rooms: Rooms
) -> None:
    booked = await _with_room(db, world, rooms, starts_in=timedelta(minutes=10))
    row = await room_row(db, booked.interview_id)
    secrets = [*(await seats(db, booked.interview_id)).values(), row["candidate_url"]]
    pages: list[str] = []
    for userid in ("lina", "zhangwei"):
        await auth.login_as(userid)
        pages += [(await client.get(p)).text for p in ("/mine", f"/mine/{booked.interview_id}")]
        await auth.logout()
    await auth.login_as("liuyang")
    day = await _day(db, booked)
    for path in (f"/interviews/{booked.interview_id}", "/board", f"/board?day={day}"):
        pages.append((await client.get(path)).text)
    await auth.logout()
    pages.append((await client.get(booked.path)).text)
    for html in pages:
        for secret in secrets:
            assert secret not in html


async def _day(db: Database, booked: Booked) -> str:
    """The board day the interview is on (in the viewer's default zone)."""
    detail = await get_detail(db, booked.interview_id)
    assert detail is not None
    return local_date(detail.starts_at, "Asia/Shanghai").isoformat()
