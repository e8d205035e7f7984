"""HR books over HTTP while the platform is slow or down: the booking neither fails nor waits."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx

from portal.db.database import Database
from tests.conftest import Auth
from tests.factories import World
from tests.interviews.web import interview_form, post
from tests.rooms.support import room_row
from tests.support.html import one, soup, text
from tests.support.platform import PlatformControl

EN = {"Accept-Language": "en"}


async def test_booking_while_the_platform_hangs_is_quick_and_the_room_waits(
    client: httpx.AsyncClient, hr: Auth, db: Database, world: World, platform: PlatformControl
) -> None:
    # The platform hangs for 20 s: waiting on it anywhere would show as 20 s, far
    # beyond what a loaded test machine adds, so the bound below is behaviour, not speed.
    platform.fault(path="*", delay_s=20)
    started = time.monotonic()
    form = soup(await client.get("/interviews/new", headers=EN))
    assert "could not be read just now" in text(form, "#papers-unavailable")
    token = await hr.csrf_token()
    fields = interview_form(world, world.now + timedelta(days=1), room_url="")
    response = await post(client, token, "/interviews", fields)
    elapsed = time.monotonic() - started
    assert response.status_code == 303, response.text
    assert elapsed < 12  # the hung platform costs the form one short read, the booking nothing
    interview_id = int(response.headers["location"].rsplit("/", 1)[1])
    assert (await room_row(db, interview_id))["state"] == "preparing"


async def test_the_form_offers_room_kinds_and_the_question_bank(
    client: httpx.AsyncClient, hr: Auth, db: Database, world: World
) -> None:
    form = soup(await client.get("/interviews/new", headers=EN))
    kinds = [o.get("value") for o in form.select("#room-kind option")]
    assert kinds == ["", "technical", "non_technical", "none"]
    papers = [o.get_text() for o in form.select("#room-paper option")]
    assert papers[0] == "None" and len(papers) > 1
    token = await hr.csrf_token()
    paper = str(form.select("#room-paper option")[1].get("value"))
    fields = interview_form(world, world.now + timedelta(days=1), room_kind="technical")
    fields["room_paper_uid"] = paper
    response = await post(client, token, "/interviews", fields)
    interview_id = int(response.headers["location"].rsplit("/", 1)[1])
    edit = soup(await client.get(f"/interviews/{interview_id}/edit", headers=EN))
    assert one(edit, "#room-paper option[selected]").get("value") == paper
    bad = await post(client, token, "/interviews", {**fields, "room_kind": "hologram"})
    assert bad.status_code == 422
    page = soup(bad)
    assert text(page, "#room_kind-error")
    assert one(page, "#room-kind").get("aria-invalid") == "true"


async def test_no_room_booked_as_none_gets_no_platform_room(
    client: httpx.AsyncClient, hr: Auth, db: Database, world: World
) -> None:
    token = await hr.csrf_token()
    fields = interview_form(world, world.now + timedelta(days=1), room_kind="none")
    response = await post(client, token, "/interviews", fields)
    interview_id = int(response.headers["location"].rsplit("/", 1)[1])
    page = soup(await client.get(f"/interviews/{interview_id}", headers=EN))
    assert page.select_one(f"#room-{interview_id} .room-state") is None
    assert "Open the meeting link" in text(page, f"#room-{interview_id}")


async def test_a_position_sets_the_room_its_interviews_get(
    client: httpx.AsyncClient, hr: Auth, db: Database, world: World
) -> None:
    token = await hr.csrf_token()
    made = await post(
        client,
        token,
        "/positions",
        {"title": "Designer", "room_kind": "non_technical", "active": "on"},
    )
    assert made.status_code == 303
    listing = soup(await client.get("/positions", headers=EN))
    row = next(r for r in listing.select("tr[id^=position-]") if "Designer" in r.get_text())
    assert text(row, ".room-kind") == "Video room"
    position_id = int(str(row.get("id")).rsplit("-", 1)[1])
    fields = interview_form(world, world.now + timedelta(days=1), position_id=str(position_id))
    booked = await post(client, token, "/interviews", fields)
    interview_id = int(booked.headers["location"].rsplit("/", 1)[1])
    assert (await room_row(db, interview_id))["type_id"] == 2  # the platform's video room
