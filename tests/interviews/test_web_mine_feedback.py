"""The interviewer's feedback panel says what is true about the other interviewers' scorecards."""

from __future__ import annotations

from datetime import timedelta

import httpx

from portal.interviews import service
from tests.conftest import Auth
from tests.factories import World, add_feedback
from tests.interviews.web import EN
from tests.support.html import one, soup
from tests.support.when import NOW

SOON = NOW + timedelta(minutes=10)  # feedback is open: the early window is 15 minutes
WAIT_FOR_YOURS = "You see the others' submitted feedback once yours is submitted."


async def _book(world: World, panel: tuple[str, ...]) -> int:
    draft = world.draft(SOON, panel=panel)
    return (await service.create(world.db, world.hub, draft, actor=world.hr("liuyang"), now=NOW)).id


async def _others_text(client: httpx.AsyncClient, interview_id: int) -> str:
    page = soup(await client.get(f"/mine/{interview_id}", headers=EN))
    return one(page, f"#feedback-{interview_id}").get_text(" ", strip=True)


async def test_feedback_others_before_own_submitted_asks_for_yours(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    interview_id = await _book(world, ("zhangwei", "lina"))
    await add_feedback(world.db, interview_id, "zhangwei")
    assert WAIT_FOR_YOURS in await _others_text(client, interview_id)


async def test_feedback_others_after_own_submitted_names_who_is_still_to_submit(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    interview_id = await _book(world, ("zhangwei", "lina", "sunhao"))
    await add_feedback(world.db, interview_id, "lina")
    await add_feedback(world.db, interview_id, "zhangwei")
    page = soup(await client.get(f"/mine/{interview_id}", headers=EN))
    panel = one(page, f"#feedback-{interview_id}")
    assert WAIT_FOR_YOURS not in panel.get_text()
    others = one(panel, ".other-feedback")
    assert [h.get_text(strip=True) for h in others.select("article.scorecard h3")] == ["张伟"]
    assert "Not submitted yet: 孙浩" in one(others, ".still-to-submit").get_text(" ", strip=True)


async def test_feedback_others_all_submitted_says_nothing_is_missing(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    interview_id = await _book(world, ("zhangwei", "lina"))
    await add_feedback(world.db, interview_id, "lina")
    page = soup(await client.get(f"/mine/{interview_id}", headers=EN))
    panel = one(page, f"#feedback-{interview_id} .other-feedback")
    assert WAIT_FOR_YOURS not in panel.get_text()
    assert "Not submitted yet: 张伟" in one(panel, ".still-to-submit").get_text(" ", strip=True)
    await add_feedback(world.db, interview_id, "zhangwei")
    page = soup(await client.get(f"/mine/{interview_id}", headers=EN))
    assert page.select_one(f"#feedback-{interview_id} .still-to-submit") is None


async def test_feedback_on_a_one_person_panel_has_no_others_section(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    interview_id = await _book(world, ("lina",))
    text = await _others_text(client, interview_id)
    assert WAIT_FOR_YOURS not in text and "The other interviewers" not in text
    await add_feedback(world.db, interview_id, "lina")
    text = await _others_text(client, interview_id)
    assert WAIT_FOR_YOURS not in text and "The other interviewers" not in text
