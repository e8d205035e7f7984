"""Pages marked live follow changes made elsewhere, without a reload (issue 13, items 7 and 8):
HR's interview page shows an interviewer's reply and its history line; the board's counts
follow a candidate's confirmation, and a row rescheduled to another day leaves the board."""

from __future__ import annotations

from datetime import time

import pytest
from playwright.async_api import Page, expect

from portal.db.database import Database
from tests.browser.conftest import PHONE, WECOM_UA, PageFactory, screenshot
from tests.browser.test_scheduling import seeded, sign_in
from tests.factories import add_interview, make_world
from tests.support.when import NOW, WEDNESDAY, local_day, next_weekday_at

pytestmark = pytest.mark.browser

TOMORROW_10 = next_weekday_at(WEDNESDAY, time(10), after=NOW)
DESKTOP = {"width": 1280, "height": 900}


async def _mark(page: Page) -> None:
    """A flag only this page load has: still there later means the page was not reloaded."""
    await page.evaluate("window.notReloaded = true")


async def _not_reloaded(page: Page) -> bool:
    return bool(await page.evaluate("window.notReloaded === true"))


async def test_hr_interview_page_shows_a_reply_made_elsewhere(
    live_url: str, page_factory: PageFactory, sqlite_url: str
) -> None:
    world, interview_id = await seeded(sqlite_url, TOMORROW_10, ("zhangwei", "lina"))
    hr = await page_factory(locale="en-US", viewport=DESKTOP)
    await hr.goto(f"{live_url}/interviews/{interview_id}")
    await sign_in(hr, "liuyang")
    await hr.wait_for_url(f"{live_url}/interviews/{interview_id}")
    await expect(hr.locator(f"#interview-live-{interview_id}")).to_have_attribute(
        "data-live-state", "open"
    )
    await _mark(hr)
    phone = await page_factory(
        locale="en-US", viewport=PHONE, user_agent=WECOM_UA, is_mobile=True, has_touch=True
    )
    await phone.goto(f"{live_url}/mine/{interview_id}")
    await sign_in(phone, "lina")
    await phone.wait_for_url(f"{live_url}/mine/{interview_id}")
    await phone.get_by_role("button", name="Accept", exact=True).tap()
    reply = hr.locator(f"#interview-replies-{interview_id} #reply-{world['lina'].id} .badge")
    await expect(reply).to_have_text("Accepted")
    history = hr.locator(f"#interview-history-{interview_id}")
    await expect(history).to_contain_text("Accepted the invitation")
    await expect(history).to_contain_text("李娜 (Li Na)")
    assert await _not_reloaded(hr)
    await screenshot(hr, "hr-interview-live-reply")
    await world.db.disconnect()


async def test_board_counts_and_rows_follow_live_changes(
    live_url: str, page_factory: PageFactory, portal_db: Database
) -> None:
    await make_world(portal_db)
    booked = await add_interview(portal_db, panel=("zhangwei",), starts_at=TOMORROW_10)
    row_id = f"#interview-{booked.interview_id}"
    day = local_day(TOMORROW_10)
    board = await page_factory(locale="en-US", viewport=DESKTOP)
    await board.goto(f"{live_url}/board?day={day.isoformat()}")
    await sign_in(board, "liuyang")
    await board.wait_for_url(f"{live_url}/board?day={day.isoformat()}")
    await expect(board.locator("#board-live")).to_have_attribute("data-live-state", "open")
    await expect(board.locator("#board-counts .status-scheduled strong")).to_have_text("1")
    await _mark(board)

    candidate = await page_factory(locale="en-US", viewport=PHONE, is_mobile=True, has_touch=True)
    await candidate.goto(live_url + booked.path)
    await candidate.locator("#confirm-button").tap()
    await expect(board.locator(f"{row_id} .badge.status-confirmed")).to_have_text("Confirmed")
    await expect(board.locator("#board-counts .status-confirmed strong")).to_have_text("1")
    await expect(board.locator("#board-counts .status-scheduled")).to_have_count(0)

    other_hr = await page_factory(locale="en-US", viewport=DESKTOP)
    await other_hr.goto(f"{live_url}/interviews/{booked.interview_id}/reschedule")
    await sign_in(other_hr, "zhaolei")
    await other_hr.wait_for_url(f"{live_url}/interviews/{booked.interview_id}/reschedule")
    await other_hr.get_by_label("Date", exact=True).fill(local_day(TOMORROW_10, 1).isoformat())
    await other_hr.get_by_role("button", name="Reschedule", exact=True).click()
    await other_hr.wait_for_url(f"{live_url}/interviews/{booked.interview_id}")
    await expect(board.locator(row_id)).to_have_count(0)
    await expect(board.locator("#board-counts .total")).to_have_text("0 in total")
    assert await _not_reloaded(board)
    await screenshot(board, "hr-board-live-counts")
