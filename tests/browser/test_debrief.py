"""HR decides from the debrief: the pipeline shows who is ready, the debrief puts the panel's
ratings per focus area side by side, and advancing offers the plan's next round to book."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.async_api import expect

from portal.clock import FrozenClock
from portal.db.plans import insert_round
from portal.db.tables import interviews
from portal.interviews import service
from portal.interviews.scorecards import save_structured
from portal.scheduling import Recommendation, Status
from portal.scheduling.kits import FocusArea, RoundFields
from portal.scheduling.rooms import RoomKind
from portal.scheduling.scorecards import AreaScore, StructuredCard
from tests.browser.conftest import PageFactory
from tests.browser.test_scheduling import seeded, sign_in
from tests.factories import CANDIDATE_NAME
from tests.support.when import NOW

pytestmark = pytest.mark.browser

STARTS = (NOW + timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
AREAS = (
    FocusArea("a1", "Coding", "Correct, readable code.", ("None", "Partial", "Solid", "Excellent")),
    FocusArea("a2", "Design", "Systems at scale.", ("Lost", "Naive", "Sound", "Expert")),
)


async def test_hr_reads_the_panel_side_by_side_and_advances_the_candidate(
    live_url: str, page_factory: PageFactory, sqlite_url: str, clock: FrozenClock
) -> None:
    world, interview_id = await seeded(sqlite_url, STARTS, ("zhangwei", "lina"))
    db = world.db
    first = await insert_round(
        db,
        world.position_id,
        RoundFields("技术一面", 60, RoomKind.NONE, None, 2, AREAS, (), ()),
        now=world.now,
    )
    await insert_round(
        db,
        world.position_id,
        RoundFields("技术二面", 90, RoomKind.NONE, None, 1, AREAS[:1], (), ()),
        now=world.now,
    )
    await db.execute(
        interviews.update().where(interviews.c.id == interview_id).values(plan_round_id=first)
    )
    # The interview is held and both interviewers submit their cards.
    clock.set(STARTS + timedelta(minutes=70))
    for target in (Status.IN_PROGRESS, Status.COMPLETED):
        await service.change_status(
            db,
            world.hub,
            interview_id=interview_id,
            target=target,
            actor=world.interviewer("zhangwei"),
            now=clock.now(),
        )
    cards = {
        "zhangwei": ({"a1": 4, "a2": 3}, Recommendation.STRONG_YES, "Clean code."),
        "lina": ({"a1": 2, "a2": 3}, Recommendation.YES, "Slow start."),
    }
    for userid, (ratings, verdict, notes) in cards.items():
        scores = {key: AreaScore(rating, None) for key, rating in ratings.items()}
        await save_structured(
            db,
            world.hub,
            interview_id=interview_id,
            person_id=world[userid].id,
            card=StructuredCard(scores, verdict, notes, submit=True),
            now=clock.now(),
        )

    page = await page_factory(locale="en-US", viewport={"width": 1280, "height": 900})
    await page.goto(f"{live_url}/positions/{world.position_id}/pipeline")
    await sign_in(page, "liuyang")
    await page.wait_for_url(f"{live_url}/positions/{world.position_id}/pipeline")
    await page.get_by_role("link", name=CANDIDATE_NAME).click()
    await page.wait_for_url(f"{live_url}/positions/{world.position_id}/candidates/*")

    table = page.locator("table.side-by-side")
    await expect(table.locator("thead")).to_contain_text("张伟")
    await expect(table.locator("thead")).to_contain_text("李娜")
    coding = table.locator("tr", has=page.locator("th", has_text="Coding"))
    await expect(coding.locator("td")).to_have_text(["4 / 4", "2 / 4"])
    await expect(coding.locator("td").first).to_have_attribute("title", "Excellent")
    await expect(table).to_contain_text("Strong yes")
    await expect(table).to_contain_text("Slow start.")

    await page.get_by_label("Note (optional)").fill("Both strong on design.")
    await page.get_by_role("button", name="Advance to the next round").click()
    await page.wait_for_url(f"{live_url}/interviews/new?*")
    await expect(page.locator("#plan-round-id option:checked")).to_have_text(
        "Round 2 · 技术二面 · 90 min"
    )
    await expect(page.get_by_label("Choose a candidate")).to_have_value(str(world.candidate_id))
    await expect(page.locator("#duration")).to_have_value("90")
    await db.disconnect()
