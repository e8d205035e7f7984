"""HR finds a time on the availability grid and books the best one in one click."""

from __future__ import annotations

import re
from datetime import time

import pytest
from playwright.async_api import expect

from portal.db.interviews import get_detail
from portal.db.plans import insert_round
from portal.scheduling.kits import RoundFields
from portal.scheduling.rooms import RoomKind
from tests.browser.conftest import PageFactory
from tests.browser.test_scheduling import seeded, sign_in
from tests.support.when import NOW, WEDNESDAY, next_weekday_at

pytestmark = pytest.mark.browser

WEDNESDAY_10 = next_weekday_at(WEDNESDAY, time(10), after=NOW)


async def test_hr_books_the_best_time_from_the_grid(
    live_url: str, page_factory: PageFactory, sqlite_url: str
) -> None:
    world, _ = await seeded(sqlite_url, WEDNESDAY_10, ("lina",))
    pool = (world["zhangwei"].id, world["sunhao"].id)
    fields = RoundFields("技术一面", 45, RoomKind.NONE, None, 2, (), (), pool)
    round_id = await insert_round(world.db, world.position_id, fields, now=world.now)
    page = await page_factory(locale="en-US", viewport={"width": 1280, "height": 900})
    await page.goto(f"{live_url}/availability")
    await sign_in(page, "liuyang")
    await page.wait_for_url(f"{live_url}/availability")
    await page.get_by_label("Position", exact=True).select_option(label="Backend Engineer")
    await expect(page.locator("#grid-round option", has_text="技术一面")).to_have_count(1)
    await page.get_by_label("Plan round").select_option(str(round_id))
    await expect(page.locator("#grid-duration")).to_have_value("45")
    await page.get_by_label("Candidate", exact=True).select_option(str(world.candidate_id))
    # The week links carry the form as it is once its answer is in.
    next_week = page.get_by_role("link", name="Next week")
    await expect(next_week).to_have_attribute(
        "href", re.compile(f"candidate_id={world.candidate_id}")
    )
    await next_week.click()
    best = page.locator("#best-times li.best-time").first
    await expect(best).to_contain_text("everyone free")
    await expect(page.locator("table.availability td.slot-bookable").first).to_be_visible()
    starts_at = await best.locator('input[name="starts_at"]').get_attribute("value")
    await best.get_by_role("button", name="Book").click()
    await page.wait_for_url(f"{live_url}/interviews/*")
    detail = await get_detail(world.db, int(page.url.rsplit("/", 1)[1]))
    assert detail is not None and detail.plan_round_id == round_id
    assert detail.starts_at.isoformat() == starts_at
    assert set(detail.interviewer_ids) == set(pool)
    assert detail.slot.duration.total_seconds() == 45 * 60
    await world.db.disconnect()
