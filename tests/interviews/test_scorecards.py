"""The kit and the structured scorecard: autosave per field, drafts that follow the kit,
submissions frozen against plan changes, and who reads what."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import httpx
import sqlalchemy as sa

from portal.db.database import Database
from portal.db.feedback import get_feedback
from portal.db.plans import get_round, insert_round, update_round
from portal.db.tables import interviews
from portal.scheduling.kits import FocusArea, Question, RoundFields
from portal.scheduling.rooms import RoomKind
from tests.conftest import Auth
from tests.factories import World, add_interview, person_id
from tests.interviews.web import EN, HTMX, post
from tests.support.html import one, soup
from tests.support.when import NOW

CODING = FocusArea("a1", "Coding", "Writes working code.", ("Stuck", "Shaky", "Solid", "Fluent"))
DESIGN = FocusArea("a2", "Design", "Shapes a system.", ("None", "Vague", "Sound", "Elegant"))
ROUND = RoundFields(
    name="技术一面",
    duration_minutes=60,
    room_kind=RoomKind.NONE,
    room_paper_uid=None,
    panel_size=2,
    focus_areas=(CODING, DESIGN),
    questions=(Question("Reverse a linked list."),),
    pool=(),
)


async def _book(
    world: World, panel: tuple[str, ...] = ("lina", "zhangwei"), *, round: int = 2, kit: bool = True
) -> tuple[int, int]:
    """An interview starting in 10 minutes (feedback open), booked as a plan round."""
    db = world.db
    round_id = await insert_round(db, world.position_id, ROUND, now=NOW)
    booked = await add_interview(
        db,
        panel=panel,
        starts_at=NOW + timedelta(minutes=10),
        candidate_id=world.candidate_id,
        position_id=world.position_id,
        round=round,
    )
    if kit:
        await _link(db, booked.interview_id, round_id)
    return booked.interview_id, round_id


async def _link(db: Database, interview_id: int, round_id: int) -> None:
    # Helper E's booking form writes this column; here it is written directly.
    await db.execute(
        interviews.update().where(interviews.c.id == interview_id).values(plan_round_id=round_id)
    )


async def _field(
    client: httpx.AsyncClient, token: str, interview_id: int, name: str, value: str
) -> httpx.Response:
    url = f"/mine/{interview_id}/feedback/field"
    return await post(client, token, url, {"field": name, name: value}, **HTMX)


COMPLETE = {
    "rating:a1": "3",
    "notes:a1": "Clean loops.",
    "rating:a2": "2",
    "notes:a2": "Needs a nudge.",
    "recommendation": "yes",
    "notes": "Hire for the team.",
}


async def _submit(client: httpx.AsyncClient, token: str, interview_id: int) -> httpx.Response:
    data = COMPLETE | {"action": "submit"}
    return await post(client, token, f"/mine/{interview_id}/feedback", data)


async def test_scorecard_field_save_writes_the_draft_and_answers_saved(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    interview_id, _ = await _book(world)
    token = await interviewer.csrf_token()
    saved = await _field(client, token, interview_id, "rating:a1", "3")
    assert saved.status_code == 200 and "Saved" in saved.text
    await _field(client, token, interview_id, "notes:a2", "Thinks aloud.")
    await _field(client, token, interview_id, "recommendation", "strong_yes")
    entry = await get_feedback(world.db, interview_id, await person_id(world.db, "lina"))
    assert entry is not None and entry.status == "draft"
    assert entry.scores == {
        "a1": {"rating": 3, "notes": None},
        "a2": {"rating": None, "notes": "Thinks aloud."},
    }
    assert entry.recommendation == "strong_yes"
    assert [a["name"] for a in entry.structure] == ["Coding", "Design"]
    page = soup(await client.get(f"/mine/{interview_id}/scorecard", headers=EN))
    assert one(page, 'input[name="rating:a1"][value="3"]').has_attr("checked")
    assert one(page, 'textarea[name="notes:a2"]').get_text() == "Thinks aloud."
    assert page.select_one('script[src*="/js/scorecard."]') is not None


async def test_scorecard_field_save_refuses_unknown_and_bad_fields(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    interview_id, _ = await _book(world)
    token = await interviewer.csrf_token()
    unknown = await _field(client, token, interview_id, "rating:a9", "3")
    assert unknown.status_code == 422 and "not on the scorecard" in unknown.text
    bad = await _field(client, token, interview_id, "rating:a1", "7")
    assert bad.status_code == 422 and "Choose one of the options." in bad.text
    assert await get_feedback(world.db, interview_id, await person_id(world.db, "lina")) is None


async def test_scorecard_shows_anchors_next_to_each_level(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    interview_id, _ = await _book(world)
    page = soup(await client.get(f"/mine/{interview_id}/scorecard", headers=EN))
    labels = [label.get_text(" ", strip=True) for label in page.select("#area-a1 label.level")]
    assert labels == [
        "1 · Well below the bar Stuck",
        "2 · Below the bar Shaky",
        "3 · Meets the bar Solid",
        "4 · Above the bar Fluent",
    ]
    assert "Writes working code." in one(page, "#area-a1").get_text()


async def test_scorecard_draft_follows_the_kit(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    interview_id, round_id = await _book(world)
    token = await interviewer.csrf_token()
    await _field(client, token, interview_id, "rating:a1", "4")
    await _field(client, token, interview_id, "rating:a2", "1")
    renamed = replace(CODING, name="Programming", anchors=("w", "x", "y", "Superb"))
    culture = FocusArea("a3", "Culture", "Works with others.", ("", "", "", ""))
    await update_round(world.db, round_id, replace(ROUND, focus_areas=(renamed, culture)), now=NOW)
    await _field(client, token, interview_id, "notes", "Still a draft.")
    entry = await get_feedback(world.db, interview_id, await person_id(world.db, "lina"))
    assert entry is not None
    assert [a["name"] for a in entry.structure] == ["Programming", "Culture"]
    assert entry.scores == {"a1": {"rating": 4, "notes": None}}
    page = soup(await client.get(f"/mine/{interview_id}/scorecard", headers=EN))
    assert [legend.get_text(strip=True) for legend in page.select("fieldset legend")][:2] == [
        "Programming",
        "Culture",
    ]
    assert one(page, 'input[name="rating:a1"][value="4"]').has_attr("checked")
    assert "Superb" in one(page, "#area-a1").get_text()


async def test_scorecard_submit_needs_every_rating_and_a_recommendation(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    interview_id, _ = await _book(world)
    token = await interviewer.csrf_token()
    data = {"rating:a1": "3", "notes:a2": "Kept typing.", "action": "submit"}
    refused = await post(client, token, f"/mine/{interview_id}/feedback", data)
    assert refused.status_code == 422
    page = soup(refused)
    assert "Rate this focus area before submitting." in one(page, "#rating\\:a2-error").get_text()
    assert "This field is required." in one(page, "#recommendation-error").get_text()
    assert one(page, 'textarea[name="notes:a2"]').get_text() == "Kept typing."
    assert await get_feedback(world.db, interview_id, await person_id(world.db, "lina")) is None


async def test_scorecard_submit_locks_the_card(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    interview_id, _ = await _book(world)
    token = await interviewer.csrf_token()
    submitted = await _submit(client, token, interview_id)
    assert submitted.status_code == 303
    assert submitted.headers["location"] == f"/mine/{interview_id}/scorecard"
    entry = await get_feedback(world.db, interview_id, await person_id(world.db, "lina"))
    assert entry is not None and entry.status == "submitted" and entry.submitted_at == NOW
    assert entry.scores["a2"] == {"rating": 2, "notes": "Needs a nudge."}
    assert (await _field(client, token, interview_id, "notes", "late")).status_code == 409
    again = await _submit(client, token, interview_id)
    assert again.status_code == 409
    page = soup(await client.get(f"/mine/{interview_id}/scorecard", headers=EN))
    assert page.select_one("form#scorecard") is None
    card = one(page, "article.scorecard").get_text(" ", strip=True)
    assert "3 · Meets the bar" in card and "Solid" in card and "Clean loops." in card


async def test_scorecard_submitted_stays_intact_after_the_plan_changes(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    interview_id, round_id = await _book(world)
    token = await interviewer.csrf_token()
    await _submit(client, token, interview_id)
    renamed = replace(CODING, name="Programming", anchors=("w", "x", "Adequate", "z"))
    culture = FocusArea("a3", "Culture", "", ("", "", "", ""))
    await update_round(world.db, round_id, replace(ROUND, focus_areas=(renamed, culture)), now=NOW)
    changed = await get_round(world.db, round_id)
    assert changed is not None and [a.name for a in changed.focus_areas] == [
        "Programming",
        "Culture",
    ]
    page = soup(await client.get(f"/mine/{interview_id}/scorecard", headers=EN))
    card = one(page, "article.scorecard")
    assert [dt.get_text(strip=True) for dt in card.select("dt")][:2] == ["Coding", "Design"]
    assert "Solid" in one(card, 'dd[data-area="a1"]').get_text()
    assert "Adequate" not in card.get_text() and "Culture" not in card.get_text()
    entry = await get_feedback(world.db, interview_id, await person_id(world.db, "lina"))
    assert entry is not None and set(entry.scores) == {"a1", "a2"}


async def test_scorecard_hr_reads_the_structured_card(
    client: httpx.AsyncClient, auth: Auth, world: World
) -> None:
    interview_id, _ = await _book(world)
    await auth.login_as("lina")
    await _submit(client, await auth.csrf_token(), interview_id)
    await auth.logout()
    await auth.login_as("liuyang")
    page = soup(await client.get(f"/interviews/{interview_id}", headers=EN))
    card = one(page, "article.scorecard").get_text(" ", strip=True)
    assert "Coding" in card and "Solid" in card and "Needs a nudge." in card
    assert "Yes" in card and "Hire for the team." in card


async def test_scorecard_off_panel_is_not_found(
    client: httpx.AsyncClient, auth: Auth, world: World
) -> None:
    interview_id, _ = await _book(world, ("zhangwei",))
    await auth.login_as("lina")
    token = await auth.csrf_token()
    assert (await client.get(f"/mine/{interview_id}/scorecard", headers=EN)).status_code == 404
    assert (await _field(client, token, interview_id, "rating:a1", "3")).status_code == 404


async def test_kit_earlier_rounds_hidden_until_own_submitted(
    client: httpx.AsyncClient, auth: Auth, world: World
) -> None:
    first, _ = await _book(world, ("zhangwei",), round=1)
    await auth.login_as("zhangwei")
    await _submit(client, await auth.csrf_token(), first)
    await auth.logout()
    second, _ = await _book(world, ("lina",), round=2)
    await auth.login_as("lina")
    page = soup(await client.get(f"/mine/{second}", headers=EN))
    kit = one(page, f"#kit-{second}")
    assert "Reverse a linked list." in kit.get_text()
    assert "after you submit your own scorecard" in kit.get_text()
    assert kit.select("article.scorecard") == []
    await _submit(client, await auth.csrf_token(), second)
    kit = one(soup(await client.get(f"/mine/{second}", headers=EN)), f"#kit-{second}")
    earlier = kit.select("article.scorecard")
    assert len(earlier) == 1 and "张伟" in earlier[0].get_text()
    assert "Clean loops." in earlier[0].get_text()


async def test_kit_without_a_plan_round_keeps_the_legacy_card(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    interview_id, _ = await _book(world, kit=False)
    page = soup(await client.get(f"/mine/{interview_id}", headers=EN))
    assert "There is no kit for this interview" in one(page, f"#kit-{interview_id}").get_text()
    assert page.select_one('#scorecard input[name="rating"]') is not None
    token = await interviewer.csrf_token()
    saved = await _field(client, token, interview_id, "strengths", "Calm.")
    assert saved.status_code == 200
    entry = await get_feedback(world.db, interview_id, await person_id(world.db, "lina"))
    assert entry is not None and entry.strengths == "Calm." and entry.structure is None


async def test_kit_detail_links_the_scorecard(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    interview_id, _ = await _book(world)
    page = soup(await client.get(f"/mine/{interview_id}", headers=EN))
    assert one(page, "#open-scorecard")["href"] == f"/mine/{interview_id}/scorecard"
    assert [s.get_text(strip=True) for s in page.select(".kit-area summary")] == [
        "Coding",
        "Design",
    ]
    row = await world.db.fetch_one(
        sa.select(interviews.c.plan_round_id).where(interviews.c.id == interview_id)
    )
    assert row is not None and row["plan_round_id"] is not None
