"""Room pages over real HTTP: who you are, the state, Start / End with a rating, revoked links."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from portal.clock import FrozenClock
from portal.platform import ENDED, OPENED, STARTED, Interviewer, NewRoom, PlatformClient, RoomEdit
from portal.platform.sandbox import PlatformSandboxConfig, create_platform_sandbox
from tests.support.html import attr, one, soup, text
from tests.support.platform import PlatformControl, demo_client
from tests.support.sandbox import AppSwitch

ZHANG = Interviewer("zhangwei", "张伟", email="zhangwei@example.com")
LI = Interviewer("lina", "李娜", phone="13800000000")


@pytest.fixture
async def browser() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5.0) as http:
        yield http


async def make_room(client: PlatformClient, name: str = "王五") -> tuple[str, str, str, str]:
    """(uid, candidate link, shared link, 张伟's personal link) of a new room."""
    room = await client.create_interview(NewRoom(name, [ZHANG, LI]))
    assert room.interviewer_url is not None
    return room.uid, room.candidate_url, room.interviewer_url, room.seats[0].interviewer_url


def events(platform: PlatformControl) -> list[tuple[str, int | None]]:
    return [(d["event"], d["rate"]) for d in platform.webhooks()]


async def test_room_page_flow_open_start_end_changes_status(
    platform_client: PlatformClient, platform: PlatformControl, browser: httpx.AsyncClient
) -> None:
    uid, candidate, _, mine = await make_room(platform_client)
    page = soup(await browser.get(candidate))
    assert text(page, ".who") == "王五" and text(page, ".uid") == uid
    assert platform.room(uid)["status"] == OPENED

    page = soup(await browser.get(mine))
    assert text(page, ".who") == "张伟"
    start = one(page, "form.start")
    response = await browser.post(httpx.URL(mine).join(attr(start, "action")))
    assert response.status_code == 303
    assert platform.room(uid)["status"] == STARTED

    page = soup(await browser.get(mine))
    end = one(page, "form.end")
    assert [attr(o, "value") for o in end.select("select[name=rate] option")] == list("12345")
    response = await browser.post(httpx.URL(mine).join(attr(end, "action")), data={"rate": "4"})
    assert response.status_code == 303
    room = platform.room(uid)
    assert (room["status"], room["rate"]) == (ENDED, 4)
    assert room["opened_time"] <= room["started_time"] <= room["ended_time"]
    assert events(platform) == [(OPENED, None), (STARTED, None), (ENDED, 4)]

    page = soup(await browser.get(candidate))
    assert text(page, ".rate") == "4 / 5" and not page.select("form")


async def test_room_page_first_visit_only_opens_once(
    platform_client: PlatformClient, platform: PlatformControl, browser: httpx.AsyncClient
) -> None:
    _, candidate, shared, mine = await make_room(platform_client)
    for link in (candidate, shared, mine, candidate):
        assert (await browser.get(link)).status_code == 200
    assert events(platform) == [(OPENED, None)]


async def test_room_page_candidate_sees_no_buttons_and_cannot_start(
    platform_client: PlatformClient, platform: PlatformControl, browser: httpx.AsyncClient
) -> None:
    uid, candidate, _, _ = await make_room(platform_client)
    page = soup(await browser.get(candidate))
    assert not page.select("form") and not page.select("button")
    response = await browser.post(f"{candidate}/start")
    assert response.status_code == 403
    assert text(soup(response), ".error") == "候选人不能开始或结束面试。"
    assert platform.room(uid)["status"] == OPENED


async def test_room_page_shared_link_is_an_observer_who_can_start(
    platform_client: PlatformClient, platform: PlatformControl, browser: httpx.AsyncClient
) -> None:
    uid, _, shared, _ = await make_room(platform_client)
    page = soup(await browser.get(f"{shared}?lang=en"))
    assert text(page, ".who") == "Observer (shared link)"
    assert text(page, ".interviewers") == "张伟, 李娜"
    assert (await browser.post(f"{shared}/start")).status_code == 303
    assert platform.room(uid)["status"] == STARTED


@pytest.mark.parametrize("rate", ["9", "0", "", "four", "-1"])
async def test_room_page_rating_outside_1_to_5_is_refused(
    platform_client: PlatformClient,
    platform: PlatformControl,
    browser: httpx.AsyncClient,
    rate: str,
) -> None:
    uid, _, _, mine = await make_room(platform_client)
    await browser.post(f"{mine}/start")
    response = await browser.post(f"{mine}/end", data={"rate": rate, "lang": "en"})
    assert response.status_code == 400
    assert text(soup(response), ".error") == "Choose a rating from 1 to 5."
    assert platform.room(uid)["status"] == STARTED


async def test_room_page_steps_out_of_order_are_refused(
    platform_client: PlatformClient, platform: PlatformControl, browser: httpx.AsyncClient
) -> None:
    uid, _, _, mine = await make_room(platform_client)
    early = await browser.post(f"{mine}/end", data={"rate": "3"})
    assert early.status_code == 409 and text(soup(early), ".error") == "面试还没有开始。"
    await browser.post(f"{mine}/start")
    again = await browser.post(f"{mine}/start", data={"lang": "en"})
    assert again.status_code == 409
    assert text(soup(again), ".error") == "The interview has already started."
    assert platform.room(uid)["status"] == STARTED


async def test_room_page_unknown_token_is_404(
    platform: PlatformControl, browser: httpx.AsyncClient
) -> None:
    response = await browser.get(f"{platform.base_url}/room/not-a-real-token")
    assert response.status_code == 404
    assert text(soup(response), "h1") == "链接无效"
    assert (await browser.post(f"{platform.base_url}/room/nope/start")).status_code == 404


async def test_removed_interviewer_link_is_revoked_and_says_so(
    platform_client: PlatformClient, platform: PlatformControl, browser: httpx.AsyncClient
) -> None:
    uid, _, _, mine = await make_room(platform_client)
    await platform_client.edit_interview(uid, RoomEdit(interviewers=[LI]))
    response = await browser.get(f"{mine}?lang=en")
    assert response.status_code == 404
    assert "You were removed from this interview" in text(soup(response), ".message")
    assert (await browser.post(f"{mine}/start")).status_code == 404
    seats = {s["uid"]: s["revoked"] for s in platform.room(uid)["interviewer_urls"]}
    assert seats == {"lina": False, "zhangwei": True}
    assert platform.room(uid)["status"] is None  # a revoked link does not open the room


async def test_room_page_escapes_names_and_switches_language(
    platform_client: PlatformClient, browser: httpx.AsyncClient
) -> None:
    _, candidate, _, _ = await make_room(platform_client, "<script>alert(1)</script>")
    response = await browser.get(candidate)
    assert "<script>alert(1)</script>" not in response.text
    page = soup(response)
    assert text(page, ".who") == "<script>alert(1)</script>"
    assert attr(one(page, "html"), "lang") == "zh-CN"
    english = soup(
        await browser.get(httpx.URL(candidate).join(attr(one(page, ".lang-switch"), "href")))
    )
    assert attr(one(english, "html"), "lang") == "en"
    assert text(english, ".status") == "Not started"


async def test_room_page_passes_strict_csp_and_fits_a_phone(
    platform_client: PlatformClient, platform: PlatformControl, browser: httpx.AsyncClient
) -> None:
    _, _, _, mine = await make_room(platform_client)
    response = await browser.get(mine)
    policy = response.headers["content-security-policy"]
    assert "script-src 'none'" in policy and "style-src 'self'" in policy
    assert response.headers["referrer-policy"] == "no-referrer"
    page = soup(response)
    assert not page.select("script, style, [style]")
    assert not [tag for tag in page.find_all(True) if any(a.startswith("on") for a in tag.attrs)]
    assert "width=device-width" in attr(one(page, "meta[name=viewport]"), "content")
    css = await browser.get(httpx.URL(mine).join(attr(one(page, "link[rel=stylesheet]"), "href")))
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


async def test_index_lists_rooms_with_their_links(
    platform_client: PlatformClient, platform: PlatformControl, browser: httpx.AsyncClient
) -> None:
    uid, candidate, _, mine = await make_room(platform_client)
    page = soup(await browser.get(f"{platform.base_url}/"))
    item = one(page, f"li[data-uid='{uid}']")
    assert {attr(a, "href") for a in item.select("a")} >= {candidate, mine}


async def test_sandbox_mounted_under_prefix_builds_prefixed_links(
    _platform_server: tuple[AppSwitch, str], clock: FrozenClock, browser: httpx.AsyncClient
) -> None:
    switch, url = _platform_server
    sandbox = create_platform_sandbox(PlatformSandboxConfig(), clock=clock.timestamp)
    switch.app = Starlette(routes=[Mount("/_platform", app=sandbox)])
    try:
        async with demo_client(f"{url}/_platform") as client:
            room = await client.create_interview(NewRoom("王五", [ZHANG]))
        assert room.candidate_url.startswith(f"{url}/_platform/room/")
        page = soup(await browser.get(room.seats[0].interviewer_url))
        assert attr(one(page, "form.start"), "action").startswith("/_platform/room/")
        assert attr(one(page, "link[rel=stylesheet]"), "href") == "/_platform/platform.css"
        control = await browser.get(f"{url}/_platform/_control/rooms")
        assert control.json()["rooms"][0]["status"] == OPENED
    finally:
        switch.app = None


class TestPublicBase:
    @pytest.fixture
    def platform_config(self) -> PlatformSandboxConfig:
        return PlatformSandboxConfig(public_base="https://rooms.example.com/_platform/")

    async def test_links_use_public_base(self, platform_client: PlatformClient) -> None:
        room = await platform_client.create_interview(NewRoom("王五", [ZHANG]))
        assert room.candidate_url.startswith("https://rooms.example.com/_platform/room/")
        assert room.seats[0].interviewer_url.startswith("https://rooms.example.com/_platform/room/")
