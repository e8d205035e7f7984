"""The interview room end to end, over loopback HTTP: the portal (with its worker), the WeCom
sandbox and the platform sandbox, each on the test's frozen clock.

- An interviewer taps Join on the WeCom card in the sandbox inbox, signs in through WeCom
  OAuth and lands in the platform's room as themselves; pressing Start and End there moves
  the HR board live (webhooks to the portal), and the rating shows on the interview.
- A candidate enters the room from the share link inside the window, and is refused, clearly,
  outside it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.async_api import expect

from portal.app import create_app
from portal.clock import FrozenClock
from portal.db import rooms as store
from portal.db.database import Database
from portal.notifications import kinds
from portal.platform.sandbox import DEMO_API_KEY, DEMO_WEBHOOK_SECRET
from tests.browser.conftest import PHONE, WECOM_UA, PageFactory, eventually, screenshot
from tests.conftest import SettingsFactory
from tests.factories import CANDIDATE_NAME, add_interview, add_person, queue
from tests.support.platform import PlatformControl
from tests.support.sandbox import SandboxControl
from tests.support.servers import free_port, serve_in_thread
from tests.support.when import NOW

pytestmark = pytest.mark.browser

INTERVIEWER = "zhangwei"


@pytest.fixture
def portal_url(
    make_settings: SettingsFactory,
    sqlite_url: str,
    sandbox: SandboxControl,
    platform: PlatformControl,
    clock: FrozenClock,
) -> Iterator[str]:
    """`portal serve` with its worker, talking to both sandboxes, which call it back."""
    port = free_port()
    settings = make_settings(
        sqlite_url,
        PORTAL_BASE_URL=f"http://127.0.0.1:{port}",
        PLATFORM_API_BASE=platform.base_url,
        PLATFORM_API_KEY=DEMO_API_KEY,
        PLATFORM_WEBHOOK_SECRET=DEMO_WEBHOOK_SECRET,
    )
    with serve_in_thread(create_app(settings, run_worker=True, clock=clock), port=port) as url:
        sandbox.http.post("/_control/callback-url", json={"url": url + "/wecom/callback"})
        platform.set_webhook_url(url + "/platform/webhook")
        yield url


async def _room_ready(db: Database, interview_id: int) -> None:
    async def ready() -> bool:
        summary = await store.get_summary(db, interview_id)
        return summary is not None and summary.state == "ready"

    await eventually(ready)


async def test_join_from_the_wecom_card_lands_in_my_own_seat_and_the_board_follows(
    portal_url: str,
    portal_db: Database,
    sandbox: SandboxControl,
    platform: PlatformControl,
    page_factory: PageFactory,
) -> None:
    db = portal_db
    await add_person(db, INTERVIEWER, name="张伟", locale="en")
    await add_person(db, "lina", name="李娜")
    booked = await add_interview(
        db, panel=[INTERVIEWER, "lina"], starts_in=timedelta(minutes=10), room_url=None
    )
    interview = booked.interview_id
    await store.want_room(db, interview, type_id=1, now=NOW)
    await queue(db, kinds.INVITED, INTERVIEWER, interview)
    await _room_ready(db, interview)

    async def card_arrived() -> bool:
        return len(await asyncio.to_thread(sandbox.messages, INTERVIEWER)) == 1

    await eventually(card_arrived)

    board = await page_factory(locale="en-US")  # HR at a desk, watching today's board
    await board.goto(portal_url + "/board")
    await board.get_by_role("link", name="Sign in with WeCom").click()
    await board.locator("button.member[value=liuyang]").click()
    await board.wait_for_url(portal_url + "/board")
    row = board.locator(f"#interview-{interview}")
    await expect(row.locator(".room-state")).to_have_text("Room ready")

    phone = await page_factory(locale="en-US", viewport=PHONE, user_agent=WECOM_UA, is_mobile=True)
    await phone.goto(f"{sandbox.base_url}/inbox/{INTERVIEWER}?lang=en")
    await phone.locator(".card dd a", has_text="Join").click()
    # The in-app browser signs in through WeCom OAuth (the sandbox's member chooser) ...
    await phone.locator(f"button.member[value={INTERVIEWER}]").click()
    # ... and the portal sends them on to their personal seat in the platform's room.
    await expect(phone.locator(".whoami .who")).to_have_text("张伟")
    seat = await asyncio.to_thread(platform.rooms)
    mine = {s["uid"]: s["interviewer_url"] for s in seat[0]["interviewer_urls"]}
    assert phone.url.split("?")[0] == mine[INTERVIEWER].split("?")[0]
    await screenshot(phone, "room-interviewer-seat")

    await phone.locator("form.start button").click()
    await expect(row.locator(".badge.status-in_progress")).to_be_visible()
    await phone.locator("#rate").select_option("4")
    await phone.locator("form.end button").click()
    await expect(row.locator(".badge.status-completed")).to_be_visible()
    await expect(row.locator(".room-rating")).to_have_text("4/5")
    await board.goto(f"{portal_url}/interviews/{interview}")
    await expect(board.locator("#platform-rating dd")).to_have_text("4 / 5")
    await screenshot(board, "room-rating-on-interview")


async def test_candidate_enters_inside_the_window_and_is_refused_outside(
    portal_url: str, portal_db: Database, page_factory: PageFactory
) -> None:
    db = portal_db
    soon = await add_interview(
        db, panel=[INTERVIEWER], starts_in=timedelta(minutes=10), room_url=None
    )
    later = await add_interview(db, panel=[INTERVIEWER], starts_in=timedelta(days=1), room_url=None)
    for booked in (soon, later):
        await store.want_room(db, booked.interview_id, type_id=1, now=NOW)
        await _room_ready(db, booked.interview_id)

    page = await page_factory(locale="en-US", viewport=PHONE, is_mobile=True)
    await page.goto(f"{portal_url}{soon.path}")
    link = page.locator("#join-link")
    await expect(link).to_have_text("Enter the interview room")
    async with page.expect_popup() as popup:
        await link.click()
    room = await popup.value
    await expect(room.locator(".whoami .who")).to_have_text(CANDIDATE_NAME)
    await screenshot(room, "room-candidate")

    await page.goto(f"{portal_url}{later.path}")
    await expect(page.locator("#join-link")).to_have_count(0)
    await expect(page.locator("#join-note")).to_contain_text("becomes active at")
    await screenshot(page, "room-candidate-too-early")
    # A saved join link opened too early gets the same clear answer, and no room link.
    early = await page.request.get(
        f"{portal_url}{later.path}/join", max_redirects=0, headers={"Accept-Language": "en"}
    )
    assert early.status == 403
    assert "opens 15 minutes before the start" in await early.text()
