"""HR pages on a phone (390 px): no sideways scrolling, and tables become stacked cards in
which a candidate's or recipient's name gets a line of its own, not one character per line."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.async_api import Page

from portal.db.database import Database
from portal.db.outbox import enqueue
from portal.db.reschedule_requests import Window, add_request
from tests.browser.conftest import PHONE, PageFactory, screenshot
from tests.factories import World, add_person, force_dead_letter, make_world
from tests.support.when import NOW

pytestmark = pytest.mark.browser

LONG_ERROR = "WeCom refused every recipient (errcode 81013) — message/send: " + "x" * 120


async def _seed(db: Database) -> tuple[World, list[int]]:
    """A busy day: three interviews today with long names, and a full outbox."""
    world = await make_world(db)
    for userid in ("ouyang-zhenhua", "sima-xiangru"):
        await add_person(db, userid, name="欧阳振华", english_name="Ouyang Zhenhua Alexander")
    booked = []
    for hours, panel in ((1, ("zhangwei", "lina", "sunhao")), (3, ("ouyang-zhenhua",)), (5, ())):
        b = await world.interview(starts_in=timedelta(hours=hours), panel=panel or ("lina",))
        booked.append(b.interview_id)
    await add_request(
        db,
        interview_id=booked[0],
        link_id=None,
        windows=[Window(NOW + timedelta(days=2), NOW + timedelta(days=2, hours=3))],
        timezone="Asia/Shanghai",
        message=None,
        now=NOW,
    )
    for n, userid in enumerate(("sima-xiangru", "lina", "ouyang-zhenhua")):
        await enqueue(
            db,
            kind="reminder",
            recipient=userid,
            payload={},
            dedupe=f"r{n}",
            now=NOW,
            due_at=NOW + timedelta(days=1),
            interview_id=booked[n],
        )
    await enqueue(db, kind="invited", recipient="sima-xiangru", payload={}, dedupe="d", now=NOW)
    await force_dead_letter(db, 4, errcode=81013, error=LONG_ERROR)
    return world, booked


async def _sign_in(page: Page, base: str, userid: str) -> None:
    await page.goto(base + "/login")
    await page.locator("#wecom-login").click()
    await page.locator(f"button.member[value={userid}]").click()
    await page.wait_for_url(base + "/")


async def _page_width(page: Page) -> int:
    width: int = await page.evaluate("document.documentElement.scrollWidth")
    return width


async def _width_in_characters(page: Page, selector: str) -> float:
    """How many characters of the element's own font fit across it."""
    characters: float = await page.locator(selector).first.evaluate(
        "e => e.getBoundingClientRect().width / parseFloat(getComputedStyle(e).fontSize)"
    )
    return characters


async def test_hr_pages_at_390px_do_not_scroll_sideways(
    live_url: str, page_factory: PageFactory, portal_db: Database
) -> None:
    _, booked = await _seed(portal_db)
    page = await page_factory(locale="en-US", viewport=PHONE, is_mobile=True, has_touch=True)
    await _sign_in(page, live_url, "liuyang")
    paths = [
        "/",
        "/board",
        "/week",
        "/admin/notifications",
        f"/interviews/{booked[0]}",
        "/interviews/new",
        "/candidates",
        "/positions",
    ]
    wide = {}
    for path in paths:
        await page.goto(live_url + path)
        await page.wait_for_load_state("networkidle")
        if (width := await _page_width(page)) > PHONE["width"]:
            wide[path] = width
    assert wide == {}, "pages wider than the phone"


async def test_board_and_notifications_at_390px_are_stacked_cards(
    live_url: str, page_factory: PageFactory, portal_db: Database
) -> None:
    _, booked = await _seed(portal_db)
    page = await page_factory(locale="en-US", viewport=PHONE, is_mobile=True, has_touch=True)
    await _sign_in(page, live_url, "liuyang")
    await page.goto(live_url + "/board")
    await page.wait_for_load_state("networkidle")
    await screenshot(page, "phone-board")
    assert await _page_width(page) <= PHONE["width"]
    # The candidate's cell (third) and the panel's (sixth) of a row are wide enough to read.
    row = f"#interview-{booked[0]}"
    assert await _width_in_characters(page, f"{row} td:nth-child(3)") > 8
    assert await _width_in_characters(page, f"{row} td:nth-child(6)") > 8
    assert await page.locator("table.board thead").is_hidden()
    await page.goto(live_url + "/admin/notifications")
    await page.wait_for_load_state("networkidle")
    await screenshot(page, "phone-notifications")
    assert await _page_width(page) <= PHONE["width"]
    assert await _width_in_characters(page, "tr[id^=outbox-] td.recipient") > 8
    assert await page.locator("table.notifications thead").is_hidden()
    # The filter's fields fill the row on a phone: none is left tiny.
    assert await _width_in_characters(page, "#filter-recipient") > 15
