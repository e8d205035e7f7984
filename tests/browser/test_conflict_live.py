"""The live conflict check on /interviews/new follows the panel and the candidate as HR edits
them, without waiting for another field to change (issue 13, item 1)."""

from __future__ import annotations

import asyncio
import re

import pytest
from playwright.async_api import Page, Route, expect

from tests.browser.conftest import PageFactory, screenshot
from tests.browser.test_scheduling import TOMORROW_10, seeded, sign_in
from tests.support.when import local_day

pytestmark = pytest.mark.browser

CHIP = re.compile(r"/people/\d+/chip")
BUSY = "already has an interview at this time"


async def slow_chip(route: Route) -> None:
    # Longer than the form's 300 ms change delay: only the picker's own event can bring the
    # new interviewer into the check, as on a slow phone network.
    await asyncio.sleep(0.6)
    await route.continue_()


async def open_form_at_10_30(page: Page, live_url: str) -> None:
    """HR's new-interview form with Li Na (free) on the panel, for tomorrow at 10:30."""
    await page.goto(live_url + "/interviews/new")
    await sign_in(page, "liuyang")
    await page.wait_for_url(live_url + "/interviews/new")
    await page.get_by_label("Add an interviewer").fill("lina")
    await page.locator("button.person-option", has_text="Li Na").click()
    await expect(page.locator("#picked-interviewers .chip")).to_have_count(1)
    await page.get_by_label("Date", exact=True).fill(local_day(TOMORROW_10).isoformat())
    await page.get_by_label("Start time", exact=True).fill("10:30")
    await expect(page.locator("#conflicts .no-conflicts")).to_be_visible()


async def test_adding_a_busy_interviewer_warns_and_removing_them_clears(
    live_url: str, page_factory: PageFactory, sqlite_url: str
) -> None:
    world, _ = await seeded(sqlite_url, TOMORROW_10, ("zhangwei",))
    page = await page_factory(locale="en-US", viewport={"width": 1280, "height": 900})
    await page.route(CHIP, slow_chip)
    await open_form_at_10_30(page, live_url)
    await page.get_by_label("Add an interviewer").fill("zhang")
    await page.locator("button.person-option", has_text="Zhang Wei").click()
    warning = page.locator("#conflicts li.blocking")
    await expect(warning).to_have_count(1)
    await expect(warning).to_contain_text("Zhang Wei")
    await expect(warning).to_contain_text(BUSY)
    await screenshot(page, "hr-new-interview-conflict-on-add")
    chip = page.locator("#picked-interviewers .chip", has_text="Zhang Wei")
    await chip.locator("input").uncheck()
    await expect(page.locator("#conflicts li.blocking")).to_have_count(0)
    await expect(page.locator("#conflicts .no-conflicts")).to_be_visible()
    await world.db.disconnect()


async def test_a_candidate_search_that_drops_the_busy_candidate_clears_the_warning(
    live_url: str, page_factory: PageFactory, sqlite_url: str
) -> None:
    world, _ = await seeded(sqlite_url, TOMORROW_10, ("zhangwei",))
    page = await page_factory(locale="en-US", viewport={"width": 1280, "height": 900})
    await open_form_at_10_30(page, live_url)
    await page.locator("#candidate-id").select_option(str(world.candidate_id))
    await expect(page.locator("#conflicts li.blocking")).to_contain_text(
        "The candidate already has an interview at this time."
    )
    # The search replaces the options; the busy candidate is no longer among them, so the
    # form now books a new candidate, and the check says so while HR is still typing.
    await page.locator("#candidate-search").press_sequentially("nobody-like-this")
    await expect(page.locator("#candidate-id")).to_have_value("")
    await expect(page.locator("#conflicts li.blocking")).to_have_count(0)
    await expect(page.locator("#conflicts .no-conflicts")).to_be_visible()
    await world.db.disconnect()
