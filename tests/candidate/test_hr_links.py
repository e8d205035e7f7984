"""HR's link panel: copy the URL, regenerate (old link 410), revoke; HR only; audited."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx

from portal.db.reschedule_requests import (
    Window,
    add_request,
    mark_handled,
    open_reschedule_requests,
)
from portal.share.signing import verify_candidate_link
from tests.candidate.support import audit_actions, utcnow
from tests.conftest import Auth
from tests.factories import Booked, World
from tests.support.html import attr, one, soup
from tests.support.keys import TEST_SECRET_KEY

HX = {"HX-Request": "true", "Accept-Language": "en"}


def shown_token(response: httpx.Response) -> str:
    url = attr(one(soup(response), "#share-link-url"), "value")
    assert url.startswith("http://testserver/c/")
    return url.removeprefix("http://testserver/c/")


async def hr(client: httpx.AsyncClient, auth: Auth) -> str:
    await auth.login_as("liuyang")
    return await auth.csrf_token()


async def test_link_panel_shows_working_url_with_copy_button(
    client: httpx.AsyncClient, auth: Auth, world: World
) -> None:
    booked = await world.interview()
    await hr(client, auth)
    page = await client.get(f"/interviews/{booked.interview_id}/link", headers=HX)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert verify_candidate_link(shown_token(page), TEST_SECRET_KEY, now=utcnow()) == booked.link_id
    assert attr(one(soup(page), "#share-link-copy"), "data-copy") == "#share-link-url"
    full = await client.get(f"/interviews/{booked.interview_id}/link")
    assert "/static/js/copy-link." in full.text


async def test_regenerate_revokes_old_link(
    client: httpx.AsyncClient, auth: Auth, world: World
) -> None:
    booked = await world.interview()
    csrf = await hr(client, auth)
    response = await client.post(
        f"/interviews/{booked.interview_id}/link/regenerate", headers=HX | {"X-CSRF-Token": csrf}
    )
    assert response.status_code == 200
    new_token = shown_token(response)
    assert new_token != booked.token
    assert (await client.get(booked.path)).status_code == 410
    assert (await client.get(f"/c/{new_token}")).status_code == 200
    assert "share_link_regenerated" in await audit_actions(world.db)


async def test_revoke_stops_link_and_offers_a_new_one(
    client: httpx.AsyncClient, auth: Auth, world: World
) -> None:
    booked = await world.interview()
    csrf = await hr(client, auth)
    response = await client.post(
        f"/interviews/{booked.interview_id}/link/revoke", data={"csrf_token": csrf}
    )
    assert response.status_code == 303
    page = soup(await client.get(response.headers["location"]))
    assert page.select_one("#share-link-url") is None
    assert page.select_one("#share-link-state") is not None
    assert page.select_one("#share-link-regenerate") is not None
    assert (await client.get(booked.path)).status_code == 410
    assert "share_link_revoked" in await audit_actions(world.db)


async def test_link_panel_unknown_interview_is_404(
    client: httpx.AsyncClient, auth: Auth, world: World
) -> None:
    csrf = await hr(client, auth)
    assert (await client.get("/interviews/999/link")).status_code == 404
    for action in ("regenerate", "revoke"):
        response = await client.post(
            f"/interviews/999/link/{action}", headers={"X-CSRF-Token": csrf}
        )
        assert response.status_code == 404


async def test_link_panel_is_for_hr_only(
    client: httpx.AsyncClient, auth: Auth, world: World
) -> None:
    booked: Booked = await world.interview()
    anonymous = await client.get(f"/interviews/{booked.interview_id}/link")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    await auth.login_as("zhangwei")
    assert (await client.get(f"/interviews/{booked.interview_id}/link")).status_code == 403


async def test_panel_shows_open_request_until_handled(
    client: httpx.AsyncClient, auth: Auth, world: World
) -> None:
    booked = await world.interview()
    now = utcnow()
    window = Window(now + timedelta(days=4), now + timedelta(days=4, hours=1))
    await add_request(
        world.db,
        interview_id=booked.interview_id,
        link_id=booked.link_id,
        windows=[window],
        timezone="Europe/London",
        message="After my exam, please.",
        now=now,
    )
    csrf = await hr(client, auth)
    panel = await client.get(f"/interviews/{booked.interview_id}/link", headers=HX)
    box = one(soup(panel), "#reschedule-request")
    assert "After my exam, please." in box.get_text()
    assert len(box.select("li")) == 1 and "Europe/London" in box.get_text()
    handled = await client.post(
        f"/interviews/{booked.interview_id}/link/request-handled",
        headers=HX | {"X-CSRF-Token": csrf},
    )
    assert soup(handled).select_one("#reschedule-request") is None
    assert await open_reschedule_requests(world.db, [booked.interview_id]) == {}
    assert "reschedule_request_handled" in await audit_actions(world.db)


async def test_hr_detail_page_includes_link_panel(
    client: httpx.AsyncClient, auth: Auth, world: World
) -> None:
    booked = await world.interview()
    await hr(client, auth)
    page = soup(await client.get(f"/interviews/{booked.interview_id}"))
    panel = one(page, "#share-link")
    assert panel["hx-get"] == f"/interviews/{booked.interview_id}/link"
    assert panel["hx-trigger"] == "load"


async def test_board_row_shows_open_reschedule_request(
    client: httpx.AsyncClient, auth: Auth, world: World
) -> None:
    booked = await world.interview(starts_in=timedelta(minutes=90))
    now = utcnow()
    window = Window(now + timedelta(days=4), now + timedelta(days=4, hours=1))
    await add_request(
        world.db,
        interview_id=booked.interview_id,
        link_id=booked.link_id,
        windows=[window],
        timezone="Europe/London",
        message=None,
        now=now,
    )
    await hr(client, auth)
    day = (now + timedelta(minutes=90)).astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    board = await client.get("/board", params={"day": day})
    row = one(soup(board), f"#interview-{booked.interview_id}")
    assert row.select_one(".reschedule-request") is not None
    await mark_handled(world.db, interview_id=booked.interview_id, handled_by=None, at=now)
    board = await client.get("/board", params={"day": day})
    row = one(soup(board), f"#interview-{booked.interview_id}")
    assert row.select_one(".reschedule-request") is None
