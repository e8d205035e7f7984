"""An interviewer on a phone in WeCom fills the structured scorecard: each field saves itself,
a lost connection says "not saved" and keeps the text, and it saves once back online."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from playwright.async_api import Browser, BrowserContext, Dialog, Page, ViewportSize

from portal.db.database import Database
from portal.db.feedback import FeedbackEntry, get_feedback
from portal.db.plans import insert_round
from portal.db.tables import interviews
from portal.scheduling.kits import FocusArea, Question, RoundFields
from portal.scheduling.rooms import RoomKind
from tests.browser.conftest import PHONE, WECOM_UA, eventually
from tests.factories import add_interview, make_world, person_id
from tests.support.when import NOW

pytestmark = pytest.mark.browser

ROUND = RoundFields(
    name="技术一面",
    duration_minutes=60,
    room_kind=RoomKind.NONE,
    room_paper_uid=None,
    panel_size=1,
    focus_areas=(
        FocusArea("a1", "Coding", "Writes working code.", ("Stuck", "Shaky", "Solid", "Fluent")),
        FocusArea("a2", "Design", "Shapes a system.", ("None", "Vague", "Sound", "Elegant")),
    ),
    questions=(Question("Reverse a linked list."),),
    pool=(),
)


async def _book(db: Database) -> int:
    world = await make_world(db)
    round_id = await insert_round(db, world.position_id, ROUND, now=NOW)
    booked = await add_interview(
        db,
        panel=("lina",),
        starts_at=NOW + timedelta(minutes=10),
        candidate_id=world.candidate_id,
        position_id=world.position_id,
    )
    # Helper E's booking form writes this column; here it is written directly.
    await db.execute(
        interviews.update()
        .where(interviews.c.id == booked.interview_id)
        .values(plan_round_id=round_id)
    )
    return booked.interview_id


@pytest.fixture
async def phone(browser: Browser) -> AsyncIterator[BrowserContext]:
    # Its own context, not `page_factory`: going offline makes htmx log its send errors,
    # which page_factory counts as console errors.
    context = await browser.new_context(
        viewport=ViewportSize(width=PHONE["width"], height=PHONE["height"]), user_agent=WECOM_UA
    )
    yield context
    await context.close()


async def _sign_in(page: Page, base: str, userid: str, path: str) -> None:
    """Open `path`; inside WeCom it goes straight to WeCom's sign-in (the sandbox's chooser)."""
    await page.goto(base + path)
    link = page.get_by_role("link", name="Sign in with WeCom")
    if await link.count():
        await link.click()
    await page.locator(f"button.member[value={userid}]").click()
    await page.wait_for_url(base + path)


async def _saved(page: Page, state: str) -> None:
    await page.locator(f"#{state} [data-state=saved]").wait_for()


async def test_scorecard_on_a_phone_autosaves_survives_offline_and_submits(
    live_url: str, phone: BrowserContext, portal_db: Database
) -> None:
    interview_id = await _book(portal_db)
    lina = await person_id(portal_db, "lina")

    async def card() -> FeedbackEntry | None:
        return await get_feedback(portal_db, interview_id, lina)

    page = await phone.new_page()
    await _sign_in(page, live_url, "lina", f"/mine/{interview_id}/scorecard")
    assert await page.evaluate("document.body.classList.contains('phone')")
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    await page.locator('input[name="rating:a1"][value="3"]').check()
    await _saved(page, "state-rating-a1")
    notes = page.locator('textarea[name="notes:a1"]')
    await notes.fill("Clean loops.")
    await _saved(page, "state-notes-a1")

    async def notes_saved(text: str) -> bool:
        entry = await card()
        return entry is not None and entry.scores.get("a1", {}).get("notes") == text

    await eventually(lambda: notes_saved("Clean loops."))

    await phone.set_offline(True)
    await notes.press_sequentially(" Tests first.")
    await page.locator("#state-notes-a1[data-state=unsaved]").wait_for()
    assert await notes.input_value() == "Clean loops. Tests first."
    assert await notes_saved("Clean loops.")

    await phone.set_offline(False)
    await _saved(page, "state-notes-a1")
    await eventually(lambda: notes_saved("Clean loops. Tests first."))

    await page.locator('input[name="rating:a2"][value="2"]').check()
    await page.locator('input[name="recommendation"][value="yes"]').check()
    await _saved(page, "state-recommendation")

    def accept(dialog: Dialog) -> None:
        asyncio.ensure_future(dialog.accept())

    page.once("dialog", accept)
    await page.locator('button[name="action"][value="submit"]').click()
    await page.locator("article.scorecard").wait_for()
    assert await page.locator("form#scorecard").count() == 0
    entry = await card()
    assert entry is not None and entry.status == "submitted"
    assert entry.scores["a1"] == {"rating": 3, "notes": "Clean loops. Tests first."}
    assert entry.scores["a2"]["rating"] == 2 and entry.recommendation == "yes"
    assert "Clean loops. Tests first." in await page.locator("article.scorecard").inner_text()
