"""A candidate on a phone answers through their link; HR sees each change on the board."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from playwright.async_api import Page, expect

from portal.db.database import Database
from portal.db.tables import interviews
from tests.browser.conftest import PHONE, PageFactory, screenshot
from tests.factories import Booked, make_world
from tests.support.when import NOW, local_day

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")


async def booked_interview(sqlite_url: str) -> tuple[Booked, datetime]:
    """An interview starting in 10 minutes (check-in open) with its link, and its start.

    Seeded at `NOW`, where the test's `clock` (which `live_url` serves on) stands.
    """
    db = Database(sqlite_url)
    await db.connect()
    try:
        world = await make_world(db)
        booked = await world.interview(starts_in=timedelta(minutes=10), timezone="Asia/Shanghai")
        query = sa.select(interviews.c.starts_at).where(interviews.c.id == booked.interview_id)
        starts_at: datetime = await db.fetch_val(query)
    finally:
        await db.disconnect()
    return booked, starts_at


async def hr_board(page_factory: PageFactory, live_url: str, day: str) -> Page:
    page = await page_factory(locale="en-US", viewport={"width": 1280, "height": 800})
    await page.goto(f"{live_url}/login")
    await page.get_by_role("link", name="Sign in with WeCom").click()
    await page.locator("button.member[value=liuyang]").click()
    await page.wait_for_url(live_url + "/")
    await page.goto(f"{live_url}/board?day={day}")
    return page


async def board_status(hr: Page, interview_id: int, label: str) -> None:
    """HR's board row shows `label` without a reload: the row arrives over the live stream."""
    await expect(hr.locator(f"#interview-{interview_id} .badge").first).to_have_text(label)


async def test_candidate_answers_on_a_phone_and_hr_sees_it(
    live_url: str, sqlite_url: str, page_factory: PageFactory, tmp_path: Path
) -> None:
    booked, starts_at = await booked_interview(sqlite_url)
    hr = await hr_board(page_factory, live_url, local_day(starts_at).isoformat())
    await expect(hr.locator(f"#interview-{booked.interview_id}")).to_be_visible()

    phone = await page_factory(
        locale="en-US",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        timezone_id="Europe/London",
        accept_downloads=True,
    )
    await phone.goto(live_url + booked.path)
    # The browser reports its zone; the page comes back in it, with the company's beside it.
    await expect(phone.locator("#zone-note")).to_contain_text("Europe/London")
    await expect(phone.locator("#company-time")).to_contain_text("Asia/Shanghai")
    await screenshot(phone, "candidate-phone-opened")

    await phone.locator("#confirm-button").click()
    await expect(phone.locator("#candidate-status")).to_have_text("Confirmed")
    await board_status(hr, booked.interview_id, "Confirmed")

    await phone.locator("#reschedule summary").click()
    tomorrow = local_day(NOW, 1, LONDON)  # the candidate's tomorrow, in London
    await phone.locator("[name=window1_date]").fill(tomorrow.isoformat())
    await phone.locator("[name=window1_start]").fill("10:00")
    await phone.locator("[name=window1_end]").fill("11:00")
    await phone.locator("#reschedule [name=message]").fill("Could we move it to tomorrow?")
    await phone.locator("#reschedule-button").click()
    await expect(phone.locator("#request-sent")).to_be_visible()
    await hr.goto(f"{live_url}/interviews/{booked.interview_id}/link")
    await expect(hr.locator("#reschedule-request")).to_contain_text("Could we move it")
    await hr.go_back()

    async with phone.expect_download() as download_info:
        await phone.locator("#calendar-link").click()
    download = await download_info.value
    saved = tmp_path / "interview.ics"
    await download.save_as(saved)
    event = Calendar.from_ical(saved.read_bytes()).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == starts_at
    assert str(event["UID"]) == f"interview-{booked.interview_id}@127.0.0.1"

    await phone.locator("#checkin-button").click()
    await expect(phone.locator("#candidate-status")).to_have_text("Checked in")
    await expect(phone.locator("#candidate-notice")).to_be_visible()
    await screenshot(phone, "candidate-phone-checked-in")
    await board_status(hr, booked.interview_id, "Checked in")
    await screenshot(hr, "candidate-hr-board")
