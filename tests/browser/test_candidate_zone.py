"""The candidate page's time-zone line in a real browser: nothing when the browser is in the
company's zone, the browser's zone when it differs, the failure text only on a real failure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.async_api import Page, expect

from portal.db.database import Database
from tests.browser.conftest import PHONE, PageFactory, screenshot
from tests.factories import Booked, make_world

pytestmark = pytest.mark.browser

# Replaces Intl.DateTimeFormat before the page's scripts run: a browser that cannot say.
NO_INTL_ZONE = "Intl.DateTimeFormat = function () { throw new Error('no time zones here'); };"


async def booked_in_shanghai(portal_db: Database) -> Booked:
    """A Shanghai company's interview tomorrow, seeded at `NOW` (where `live_url`'s clock is)."""
    world = await make_world(portal_db)
    return await world.interview(starts_in=timedelta(days=1), timezone="Asia/Shanghai")


async def candidate_phone(page_factory: PageFactory, zone: str) -> Page:
    return await page_factory(
        locale="en-US", viewport=PHONE, is_mobile=True, has_touch=True, timezone_id=zone
    )


async def settled(page: Page) -> None:
    """The page loaded and any zone report the script sent has come back."""
    await page.wait_for_load_state("networkidle")
    await expect(page.locator("#when-time")).to_be_visible()


async def test_candidate_zone_shanghai_browser_hears_nothing_about_zones(
    live_url: str, portal_db: Database, page_factory: PageFactory
) -> None:
    booked = await booked_in_shanghai(portal_db)
    page = await candidate_phone(page_factory, "Asia/Shanghai")
    await page.goto(live_url + booked.path)
    await settled(page)
    await expect(page.locator("#zone-note")).to_have_count(0)
    await expect(page.locator("#company-time")).to_have_count(0)
    await expect(page.locator("body")).not_to_contain_text("did not tell us")
    await screenshot(page, "candidate-zone-shanghai")


async def test_candidate_zone_london_browser_sees_its_zone_and_company_time(
    live_url: str, portal_db: Database, page_factory: PageFactory
) -> None:
    booked = await booked_in_shanghai(portal_db)
    page = await candidate_phone(page_factory, "Europe/London")
    await page.goto(live_url + booked.path)
    await expect(page.locator("#zone-note")).to_have_text(
        "Times are shown in your time zone, Europe/London."
    )
    await expect(page.locator("#company-time")).to_contain_text("Asia/Shanghai")
    await expect(page.locator("body")).not_to_contain_text("did not tell us")


async def test_candidate_zone_browser_that_cannot_say_gets_the_failure_text(
    live_url: str, portal_db: Database, page_factory: PageFactory
) -> None:
    booked = await booked_in_shanghai(portal_db)
    page = await candidate_phone(page_factory, "Asia/Shanghai")
    await page.add_init_script(NO_INTL_ZONE)
    await page.goto(live_url + booked.path)
    await expect(page.locator("#zone-note")).to_contain_text("your browser did not tell us yours")
    await expect(page.locator("#zone-note")).to_contain_text("Asia/Shanghai")
