"""HR schedules a candidate: choosing the position offers the plan's next round, its
defaults fill the form, and a qualified interviewer joins the panel in one click."""

from __future__ import annotations

from datetime import time

import pytest
from playwright.async_api import expect

from portal.db.interviews import get_detail
from portal.db.plans import insert_round
from portal.scheduling.kits import RoundFields
from portal.scheduling.rooms import RoomKind
from tests.browser.conftest import PageFactory
from tests.browser.test_scheduling import seeded, sign_in
from tests.support.when import NOW, WEDNESDAY, local_day, next_weekday_at

pytestmark = pytest.mark.browser

TOMORROW_10 = next_weekday_at(WEDNESDAY, time(10), after=NOW)


async def test_choosing_the_position_offers_the_next_round_and_its_pool(
    live_url: str, page_factory: PageFactory, sqlite_url: str
) -> None:
    world, _ = await seeded(sqlite_url, TOMORROW_10, ("lina",))  # round 1, booked
    pool = (world["zhangwei"].id,)
    for name, minutes in (("技术一面", 60), ("技术二面", 90)):
        fields = RoundFields(name, minutes, RoomKind.NONE, None, 2, (), (), pool)
        await insert_round(world.db, world.position_id, fields, now=world.now)
    page = await page_factory(locale="en-US", viewport={"width": 1280, "height": 900})
    await page.goto(f"{live_url}/interviews/new")
    await sign_in(page, "liuyang")
    await page.wait_for_url(f"{live_url}/interviews/new")
    await page.get_by_label("Choose a candidate").select_option(str(world.candidate_id))
    await page.get_by_label("Notes for interviewers").fill("kept while the round changes")
    await page.get_by_label("Position", exact=True).select_option(label="Backend Engineer")
    chosen = page.locator("#plan-round-id option:checked")
    await expect(chosen).to_have_text("Round 2 · 技术二面 · 90 min")
    await expect(page.locator("#round")).to_have_value("2")
    await expect(page.locator("#duration")).to_have_value("90")
    await expect(page.locator("#round-defaults")).to_contain_text("needs 2 interviewers")
    await page.get_by_label("Plan round").select_option(label="Round 1 · 技术一面 · 60 min")
    await expect(page.locator("#duration")).to_have_value("60")
    await expect(page.locator("#round")).to_have_value("1")
    await expect(page.get_by_label("Notes for interviewers")).to_have_value(
        "kept while the round changes"
    )
    await page.locator("button.pool-option", has_text="Zhang Wei").click()
    await expect(page.locator("#picked-interviewers .chip")).to_have_count(1)
    await expect(page.locator("#conflicts .panel-size")).to_contain_text("1 chosen")
    await page.get_by_label("Date", exact=True).fill(local_day(TOMORROW_10).isoformat())
    await page.get_by_label("Start time", exact=True).fill("15:00")
    await page.get_by_role("button", name="Book interview").click()
    await page.wait_for_url(f"{live_url}/interviews/*")
    await expect(page.locator("h1")).to_contain_text("技术一面")
    interview_id = int(page.url.rsplit("/", 1)[1])
    detail = await get_detail(world.db, interview_id)
    assert detail is not None and detail.round_name == "技术一面"
    assert detail.slot.duration.total_seconds() == 3600
    await world.db.disconnect()
