"""A candidate on a phone chooses their interview time from the "choose your time" link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.async_api import Page, expect

from portal.db.database import Database
from portal.interviews.checks import BookingPolicy
from portal.scheduling.self_schedule import SelfScheduleDraft
from portal.share import choosing
from portal.share.signing import sign_candidate_link
from tests.browser.axe import violations
from tests.browser.conftest import PHONE, PageFactory, screenshot
from tests.factories import make_world
from tests.support.keys import TEST_SECRET_KEY
from tests.support.when import NOW

pytestmark = pytest.mark.browser


async def invitation_path(db: Database) -> str:
    """A "choose your time" link for the world's candidate with Zhang Wei, sent at `NOW`."""
    world = await make_world(db)
    draft = SelfScheduleDraft(
        candidate_id=world.candidate_id,
        position_id=world.position_id,
        plan_round_id=None,
        duration=timedelta(minutes=45),
        panel_size=1,
        interviewer_ids=(world["zhangwei"].id,),
        days=5,
        min_notice=timedelta(hours=24),
    )
    sent = await choosing.invite(
        db, draft, actor=world.hr("liuyang"), now=NOW, policy=BookingPolicy()
    )
    return "/c/" + sign_candidate_link(sent.link_id, TEST_SECRET_KEY, now=NOW)


async def no_sideways_scroll(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways ({width}px)"


@pytest.mark.parametrize(
    ("locale", "booked"), [("en-US", "Your interview is booked."), ("zh-CN", "您的面试已安排。")]
)
async def test_candidate_chooses_a_time_on_a_phone(
    live_url: str, portal_db: Database, page_factory: PageFactory, locale: str, booked: str
) -> None:
    path = await invitation_path(portal_db)
    phone = await page_factory(
        locale=locale, viewport=PHONE, is_mobile=True, has_touch=True, timezone_id="Europe/Berlin"
    )
    await phone.goto(live_url + path)
    # The browser reports its zone; the picker comes back in it.
    await expect(phone.locator("#zone-note")).to_contain_text("Europe/Berlin")
    days = phone.locator(".picker-day")
    await expect(days.first).to_be_visible()
    assert await days.count() >= 2
    times = phone.locator("button.picker-time")
    first = times.first
    box = await first.bounding_box()
    assert box is not None and box["height"] >= 44
    await no_sideways_scroll(phone)
    assert await violations(phone, f"{path} picker ({locale})") == []
    await screenshot(phone, f"self-schedule-picker-{locale}")

    await first.tap()
    await phone.wait_for_url(live_url + path)
    await expect(phone.locator("#candidate-notice")).to_have_text(booked)
    await expect(phone.locator("#when-time")).to_be_visible()
    await expect(phone.locator("#move-link")).to_be_visible()
    await no_sideways_scroll(phone)
    assert await violations(phone, f"{path} booked ({locale})") == []
    await screenshot(phone, f"self-schedule-booked-{locale}")
