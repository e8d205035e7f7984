"""HR books an interview and sees a conflict appear while choosing the time; an interviewer
accepts on a phone inside WeCom."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from playwright.async_api import Page, expect

from portal.db.database import Database
from portal.db.interviews import get_detail
from portal.interviews import service
from tests.browser.conftest import PHONE, WECOM_UA, PageFactory, screenshot
from tests.factories import World, make_world
from tests.support.when import NOW, WEDNESDAY, local_day, next_weekday_at

pytestmark = pytest.mark.browser

# `live_url` serves on the test's clock, which stands at NOW (a Tuesday): tomorrow is a
# working day, and the seeded interview is at 10:00 on it, in Shanghai.
TOMORROW_10 = next_weekday_at(WEDNESDAY, time(10), after=NOW)


async def seeded(sqlite_url: str, starts_at: datetime, panel: tuple[str, ...]) -> tuple[World, int]:
    """People, a position, a candidate, and one interview at `starts_at`, seeded at NOW."""
    db = Database(sqlite_url)
    await db.connect()
    world = await make_world(db)
    detail = await service.create(
        db,
        world.hub,
        world.draft(starts_at, panel=panel),
        actor=world.hr("liuyang"),
        now=world.now,
    )
    return world, detail.id


async def sign_in(page: Page, userid: str) -> None:
    """From the sign-in page (or straight from WeCom's in-app screen) to the page asked for."""
    link = page.get_by_role("link", name="Sign in with WeCom")
    if await link.count():
        await link.click()
    await page.locator(f"button.member[value={userid}]").click()


async def test_hr_books_two_interviewers_and_sees_conflict_while_choosing_time(
    live_url: str, page_factory: PageFactory, sqlite_url: str
) -> None:
    world, _ = await seeded(sqlite_url, TOMORROW_10, ("zhangwei",))
    page = await page_factory(locale="en-US", viewport={"width": 1280, "height": 900})
    await page.goto(live_url + "/interviews/new")
    await sign_in(page, "liuyang")
    await page.wait_for_url(live_url + "/interviews/new")
    await page.get_by_label("Name", exact=True).fill("韩梅梅")
    await page.get_by_label("Position", exact=True).select_option(label="Backend Engineer")
    for query, name in (("zhang", "Zhang Wei"), ("lina", "Li Na")):
        await page.get_by_label("Add an interviewer").fill(query)
        await page.locator("button.person-option", has_text=name).click()
    await expect(page.locator("#picked-interviewers .chip")).to_have_count(2)
    await page.get_by_label("Date", exact=True).fill(local_day(TOMORROW_10).isoformat())
    await page.get_by_label("Start time", exact=True).fill("10:30")
    warning = page.locator("#conflicts li.blocking")
    await expect(warning).to_contain_text("Zhang Wei")
    await expect(warning).to_contain_text("already has an interview at this time")
    await screenshot(page, "hr-new-interview-conflict")
    await page.get_by_label("Start time", exact=True).fill("15:00")
    await expect(page.locator("#conflicts li.blocking")).to_have_count(0)
    await page.get_by_role("button", name="Book interview").click()
    await page.wait_for_url(f"{live_url}/interviews/*")
    await expect(page.locator("table.replies tbody tr")).to_have_count(2)
    await expect(page.locator(".status-panel .badge")).to_have_text("Scheduled")
    await world.db.disconnect()


async def test_interviewer_accepts_on_a_phone_in_wecom(
    live_url: str, page_factory: PageFactory, sqlite_url: str
) -> None:
    world, interview_id = await seeded(sqlite_url, TOMORROW_10, ("zhangwei", "lina"))
    page = await page_factory(
        locale="en-US", viewport=PHONE, user_agent=WECOM_UA, is_mobile=True, has_touch=True
    )
    await page.goto(live_url + "/mine")
    await sign_in(page, "lina")
    await page.wait_for_url(live_url + "/mine")
    await page.locator(f"#mine-{interview_id}").tap()
    await page.wait_for_url(f"{live_url}/mine/{interview_id}")
    join = page.locator("a.room-join")  # through the portal's redirect to the meeting link
    await expect(join).to_have_attribute("href", f"/mine/{interview_id}/join")
    await page.get_by_role("button", name="Accept").tap()
    await expect(page.locator(f"#rsvp-{interview_id} .badge")).to_have_text("Accepted")
    await screenshot(page, "interviewer-accepted-phone")
    detail = await get_detail(world.db, interview_id)
    assert detail is not None
    member = detail.member(world["lina"].id)
    assert member is not None and member.rsvp == "accepted"
    await world.db.disconnect()
