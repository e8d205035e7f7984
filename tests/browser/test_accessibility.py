"""Every page the portal serves passes axe-core (WCAG 2 A and AA) with no violations: HR's
pages, the admin's, the interviewer's in WeCom, the candidate's, sign-in and the error pages,
on a desktop and at 390 px. axe is injected through Playwright; the CSP stays as served."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.async_api import Browser, Page, expect

from portal.db.database import Database
from portal.db.plans import insert_round
from portal.db.tables import interviews, outbox
from portal.notifications import kinds
from portal.scheduling.kits import FocusArea, Question, RoundFields
from portal.scheduling.rooms import RoomKind
from tests.browser.axe import Violation, violations
from tests.browser.conftest import PHONE, WECOM_UA, PageFactory
from tests.factories import Booked, add_feedback, force_dead_letter, make_world, queue

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
SCREENS = {"desktop": DESKTOP, "phone": PHONE}
ADMIN = "chenming"  # the demo corp's admin (PORTAL_ADMINS in the tests' settings)


@dataclass(frozen=True)
class Seeded:
    today: Booked  # on today's board, with a reply and feedback
    later: Booked  # in two days, with a dead letter about it
    soon: Booked  # booked as a plan round with a kit, its scorecard open
    interviewer_id: int
    position_id: int
    candidate_id: int
    round_id: int


KIT = (
    FocusArea("a1", "Coding", "Correct, readable code.", ("None", "Partial", "Solid", "Excellent")),
    FocusArea("a2", "Design", "Systems at scale.", ("Lost", "Naive", "Sound", "Expert")),
)


async def seed(db: Database) -> Seeded:
    """A little of everything the pages show: rows on the board, replies, feedback, outbox,
    a plan round with its kit."""
    world = await make_world(db)
    pool = (world["zhangwei"].id,)
    questions = (Question("Design a rate limiter."),)
    fields = RoundFields("技术一面", 60, RoomKind.NONE, None, 1, KIT, questions, pool)
    round_id = await insert_round(db, world.position_id, fields, now=world.now)
    today = await world.interview(starts_in=timedelta(hours=2))
    later = await world.interview()
    soon = await world.interview(starts_in=timedelta(minutes=5))
    await db.execute(
        interviews.update()
        .where(interviews.c.id.in_([today.interview_id, soon.interview_id]))
        .values(plan_round_id=round_id)
    )
    await add_feedback(db, today.interview_id, "zhangwei")
    await queue(db, kinds.INVITED, "zhangwei", later.interview_id)
    await queue(db, kinds.INVITED, "lina", later.interview_id)
    row_id = await db.fetch_val(sa.select(sa.func.max(outbox.c.id)))
    await force_dead_letter(db, row_id, errcode=81013, error="user not found")
    return Seeded(
        today, later, soon, world["zhangwei"].id, world.position_id, world.candidate_id, round_id
    )


def _options(screen: str, *, wecom: bool = False, locale: str = "en-US") -> dict[str, Any]:
    options: dict[str, Any] = {"viewport": SCREENS[screen], "locale": locale}
    if screen == "phone":
        options.update(is_mobile=True, has_touch=True)
    if wecom:
        options["user_agent"] = WECOM_UA
    return options


async def sign_in(page: Page, live_url: str, userid: str, path: str) -> None:
    """Open `path`, which asks for sign-in, through the sandbox's chooser (the sandbox's own
    pages are not the portal's, so they are not checked)."""
    await page.goto(live_url + path)
    link = page.get_by_role("link", name="Sign in with WeCom")
    if await link.count():
        await link.click()
    await page.locator(f"button.member[value={userid}]").click()
    await page.wait_for_url(live_url + path)


async def audit(page: Page, live_url: str, paths: dict[str, int]) -> list[Violation]:
    """Open each path (expecting its status) and collect what axe finds there."""
    found: list[Violation] = []
    for path, status in paths.items():
        response = await page.goto(live_url + path)
        assert response is not None and response.status == status, path
        found += await violations(page, path)
    return found


@asynccontextmanager
async def beside(browser: Browser, page: Page, options: dict[str, Any]) -> AsyncIterator[Page]:
    """A page with `page`'s cookies outside `page_factory`'s console-error watch, for the
    4xx answers a test wants: Chromium logs each failed document or htmx request."""
    state = await page.context.storage_state()
    context = await browser.new_context(storage_state=state, **options)
    try:
        yield await context.new_page()
    finally:
        await context.close()


async def refused_booking(page: Page, live_url: str) -> list[Violation]:
    """The booking form as htmx leaves it: interviewer suggestions open, field errors shown."""
    await page.goto(live_url + "/interviews/new")
    await page.get_by_label("Add an interviewer").fill("zhang")
    await expect(page.locator("button.person-option").first).to_be_visible()
    await page.get_by_role("button", name="Book interview").click()
    await expect(page.locator(".field-error").first).to_be_visible()
    return await violations(page, "/interviews/new (refused)")


def _report(found: list[Violation]) -> str:
    return "\n".join(str(v) for v in found)


@pytest.mark.parametrize("screen", list(SCREENS))
async def test_hr_pages_have_no_axe_violations(
    live_url: str, portal_db: Database, page_factory: PageFactory, browser: Browser, screen: str
) -> None:
    seeded = await seed(portal_db)
    one = f"/interviews/{seeded.later.interview_id}"
    options = _options(screen)
    page = await page_factory(**options)
    await sign_in(page, live_url, "liuyang", "/board")
    paths = [
        "/",
        "/board",
        "/week",
        "/load",
        "/interviews/new",
        f"/interviews/{seeded.today.interview_id}",
        one,
        f"{one}/edit",
        f"{one}/reschedule",
        f"{one}/cancel",
        f"{one}/link",
        "/candidates",
        "/candidates/new",
        "/positions",
        "/positions/new",
        "/availability",
        f"/availability?position_id={seeded.position_id}&plan_round_id={seeded.round_id}",
        f"/positions/{seeded.position_id}/plan",
        f"/positions/{seeded.position_id}/plan/rounds/new",
        f"/positions/{seeded.position_id}/plan/rounds/{seeded.round_id}",
        f"/positions/{seeded.position_id}/pipeline",
        f"/positions/{seeded.position_id}/candidates/{seeded.candidate_id}",
        f"/candidates/{seeded.candidate_id}/edit",
        "/admin/notifications",
        f"/people/{seeded.interviewer_id}/limits",
        "/settings",
    ]
    found = await audit(page, live_url, dict.fromkeys(paths, 200))
    async with beside(browser, page, options) as side:
        found += await refused_booking(side, live_url)
        errors = {
            "/interviews/999999": 404,
            "/admin/people": 403,
            f"/mine/{seeded.later.interview_id}/join": 403,  # not on its panel: the entry page
        }
        found += await audit(side, live_url, errors)
    assert found == [], _report(found)


@pytest.mark.parametrize("screen", list(SCREENS))
async def test_admin_pages_have_no_axe_violations(
    live_url: str, portal_db: Database, page_factory: PageFactory, screen: str
) -> None:
    await seed(portal_db)
    page = await page_factory(**_options(screen))
    await sign_in(page, live_url, ADMIN, "/admin/people")
    found = await audit(page, live_url, {"/admin/people": 200, "/admin/audit": 200})
    assert found == [], _report(found)


@pytest.mark.parametrize("screen", list(SCREENS))
async def test_interviewer_pages_in_wecom_have_no_axe_violations(
    live_url: str, portal_db: Database, page_factory: PageFactory, browser: Browser, screen: str
) -> None:
    seeded = await seed(portal_db)
    options = _options(screen, wecom=True, locale="zh-CN")
    page = await page_factory(**options)
    await sign_in(page, live_url, "zhangwei", "/mine")
    paths = [
        "/",
        "/mine",
        f"/mine/{seeded.today.interview_id}",
        f"/mine/{seeded.later.interview_id}",
        f"/mine/{seeded.soon.interview_id}",
        f"/mine/{seeded.soon.interview_id}/scorecard",
        "/settings",
    ]
    found = await audit(page, live_url, dict.fromkeys(paths, 200))
    async with beside(browser, page, options) as side:
        found += await audit(side, live_url, {"/board": 403, "/mine/999999": 404})
    assert found == [], _report(found)


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
async def test_candidate_and_signed_out_pages_have_no_axe_violations(
    live_url: str,
    portal_db: Database,
    page_factory: PageFactory,
    browser: Browser,
    screen: str,
    locale: str,
) -> None:
    seeded = await seed(portal_db)
    options = _options(screen, locale=locale)
    page = await page_factory(**options)
    found = await audit(page, live_url, {seeded.later.path: 200, "/": 200, "/login": 200})
    async with beside(browser, page, options) as side:
        errors = {
            f"{seeded.later.path}/join": 403,  # too early to enter the room: the entry page
            "/c/not-a-real-link": 404,
            "/no-such-page": 404,
        }
        found += await audit(side, live_url, errors)
    assert found == [], _report(found)
