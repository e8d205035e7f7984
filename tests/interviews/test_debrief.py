"""The debrief: scorecards side by side, who reads it, HR's decision, nudges, the pipeline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from portal.clock import FrozenClock
from portal.db.database import Database
from portal.db.tables import audit_log, decisions, feedback, rooms
from portal.debrief import debrief, nudge
from portal.errors import DomainError
from portal.notifications import kinds
from portal.notifications.render import render
from portal.scheduling.kits import FocusArea, areas_to_json
from tests.conftest import Auth
from tests.factories import World, add_feedback, add_interview, person_id
from tests.interviews.support import outbox_rows
from tests.interviews.web import EN, post
from tests.notifications.test_render import _draft
from tests.support.html import one, soup
from tests.support.when import NOW

AGO = -timedelta(hours=3)  # starts 3 h before now: an hour long, over 2 h ago
AREAS = (
    FocusArea("a1", "Coding", "Writes working code", ("none", "weak", "solid", "excellent")),
    FocusArea("a2", "Design", "Shapes a system", ("lost", "partial", "sound", "elegant")),
)


async def _structured(
    db: Database, interview_id: int, userid: str, ratings: dict[str, int], *, submit: bool = True
) -> None:
    await add_feedback(db, interview_id, userid, submit=submit)
    scores = {
        key: {"rating": value, "notes": f"{userid} on {key}"} for key, value in ratings.items()
    }
    await db.execute(
        feedback.update()
        .where(
            feedback.c.interview_id == interview_id,
            feedback.c.person_id == await person_id(db, userid),
        )
        .values(structure=areas_to_json(AREAS), scores=scores, rating=None, recommendation="yes")
    )


async def _held(world: World, *, panel: tuple[str, ...] = ("zhangwei", "lina"), **kw: Any) -> int:
    booked = await add_interview(
        world.db,
        panel=panel,
        starts_in=kw.pop("starts_in", AGO),
        candidate_id=world.candidate_id,
        position_id=world.position_id,
        round=kw.pop("round", 1),
    )
    return booked.interview_id


def _url(world: World, tail: str = "") -> str:
    return f"/positions/{world.position_id}/candidates/{world.candidate_id}{tail}"


async def test_debrief_shows_ratings_side_by_side_and_hides_drafts(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    interview_id = await _held(world, panel=("zhangwei", "lina", "sunhao"))
    await _structured(world.db, interview_id, "zhangwei", {"a1": 4, "a2": 3})
    await _structured(world.db, interview_id, "lina", {"a1": 2})
    await _structured(world.db, interview_id, "sunhao", {"a1": 1}, submit=False)
    await world.db.execute(
        rooms.insert().values(
            interview_id=interview_id,
            type_id=1,
            rating=4,
            next_attempt_at=NOW,
            created_at=NOW,
            updated_at=NOW,
        )
    )
    page = soup(await client.get(_url(world), headers=EN))
    table = one(page, f"#round-{interview_id} table.side-by-side")
    assert [th.get_text(strip=True) for th in table.select("thead th")][1:] == ["张伟", "李娜"]
    coding = table.select("tr.area")[0]
    assert [td.get_text(strip=True) for td in coding.select("td")] == ["4/ 4", "2/ 4"]
    assert coding.select("td")[0]["title"] == "excellent"
    design = table.select("tr.area")[1]
    assert [td.get_text(strip=True) for td in design.select("td")] == ["3/ 4", "–"]
    assert "sunhao on a1" not in page.get_text()  # a draft never shows
    assert "Rating in the room: 4 / 5" in one(page, f"#round-{interview_id}").get_text(" ")
    pending = one(page, f"#round-{interview_id} ul.pending").get_text(" ", strip=True)
    assert "孙浩" in pending and "张伟" not in pending


async def test_debrief_marks_overdue_once_an_hour_past_the_end(
    client: httpx.AsyncClient, hr: Auth, world: World, clock: FrozenClock
) -> None:
    interview_id = await _held(world, starts_in=-timedelta(minutes=90))  # ended 30 min ago
    reader = world["liuyang"]
    found = await debrief(world.db, world.candidate_id, world.position_id, reader, now=clock.now())
    assert [p.overdue for p in found.rounds[0].pending] == [False, False]
    clock.advance(timedelta(minutes=31))
    page = soup(await client.get(_url(world), headers=EN))
    items = page.select(f"#round-{interview_id} ul.pending li.overdue")
    assert len(items) == 2 and "Overdue" in items[0].get_text()


async def test_debrief_visibility(client: httpx.AsyncClient, auth: Auth, world: World) -> None:
    first = await _held(world)
    await _structured(world.db, first, "zhangwei", {"a1": 3})
    other = await add_interview(world.db, panel=("sunhao",), starts_in=AGO)
    await auth.login_as("lina")  # owes a card here
    assert (await client.get(_url(world), headers=EN)).status_code == 404
    await auth.login_as("zhangwei")  # submitted, owes nothing
    assert "Coding" in (await client.get(_url(world), headers=EN)).text
    await auth.login_as("sunhao")  # interviews another candidate
    assert (await client.get(_url(world), headers=EN)).status_code == 404
    assert other.interview_id  # sunhao's own pipeline exists, this one is not theirs
    await auth.logout()
    response = await client.get(_url(world), headers=EN, follow_redirects=False)
    assert response.status_code in (302, 303)


async def test_decide_advance_then_reject_offer_and_repeat_refused(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    await _held(world)
    token = await hr.csrf_token()
    response = await post(client, token, _url(world, "/decision"), {"decision": "advance"})
    assert response.status_code == 303
    assert response.headers["location"] == (
        f"/interviews/new?candidate_id={world.candidate_id}&position_id={world.position_id}"
    )
    data = {"decision": "reject", "note": "Not this time."}
    assert (await post(client, token, _url(world, "/decision"), data)).status_code == 303
    again = await post(client, token, _url(world, "/decision"), data)
    assert again.status_code == 422
    assert "already recorded" in one(soup(again), "#decision").get_text()
    assert (
        await post(client, token, _url(world, "/decision"), {"decision": "offer"})
    ).status_code == 303
    rows = await world.db.fetch_all(sa.select(decisions).order_by(decisions.c.id))
    assert [(r["decision"], r["round"]) for r in rows] == [
        ("advance", 1),
        ("reject", 1),
        ("offer", 1),
    ]
    audits = await world.db.fetch_all(
        sa.select(audit_log)
        .where(audit_log.c.action == "pipeline.decided")
        .order_by(audit_log.c.id)
    )
    assert [a["detail"]["decision"] for a in audits] == ["advance", "reject", "offer"]
    assert audits[1]["detail"]["note"] == "Not this time."
    page = soup(await client.get(_url(world), headers=EN))
    assert len(page.select("#decisions ol.decision-list li")) == 3


async def test_pipeline_shows_each_stage(client: httpx.AsyncClient, hr: Auth, world: World) -> None:
    held = await _held(world)  # waiting for feedback (0 of 2)
    page = soup(await client.get(f"/positions/{world.position_id}/pipeline", headers=EN))
    text = one(page, "#stage-waiting").get_text(" ", strip=True)
    assert "waiting for feedback (0 of 2 in)" in text
    await add_feedback(world.db, held, "zhangwei")
    await add_feedback(world.db, held, "lina")
    page = soup(await client.get(f"/positions/{world.position_id}/pipeline", headers=EN))
    assert "Round 1: ready to decide" in one(page, "#stage-ready").get_text(" ", strip=True)
    link = one(page, "#stage-ready a")["href"]
    assert link == _url(world)
    token = await hr.csrf_token()
    await post(client, token, _url(world, "/decision"), {"decision": "advance"})
    page = soup(await client.get(f"/positions/{world.position_id}/pipeline", headers=EN))
    assert "Advanced to round 2" in one(page, "#stage-advanced").get_text(" ", strip=True)
    await _held(world, round=2, starts_in=timedelta(days=1))
    page = soup(await client.get(f"/positions/{world.position_id}/pipeline", headers=EN))
    assert "Round 2 scheduled" in one(page, "#stage-scheduled").get_text(" ", strip=True)
    await post(client, token, _url(world, "/decision"), {"decision": "reject"})
    page = soup(await client.get(f"/positions/{world.position_id}/pipeline", headers=EN))
    assert page.select_one(f"#stage-rejected #candidate-{world.candidate_id}") is not None


async def test_nudge_once_an_hour_and_refused_after_submission(
    client: httpx.AsyncClient, hr: Auth, world: World, clock: FrozenClock
) -> None:
    interview_id = await _held(world)
    token = await hr.csrf_token()
    lina = world["lina"].id
    data = {"interview_id": str(interview_id), "person_id": str(lina)}
    first = await post(client, token, _url(world, "/nudge"), data, **{"HX-Request": "true"})
    assert "Nudged just now" in first.text
    second = await post(client, token, _url(world, "/nudge"), data, **{"HX-Request": "true"})
    assert "Already nudged" in second.text
    assert len(await outbox_rows(world.db, kind=kinds.FEEDBACK_NUDGE)) == 1
    clock.advance(timedelta(minutes=61))
    await post(client, token, _url(world, "/nudge"), data)
    rows = await outbox_rows(world.db, kind=kinds.FEEDBACK_NUDGE)
    assert [r["recipient"] for r in rows] == ["lina", "lina"]
    audits = await world.db.fetch_all(
        sa.select(audit_log).where(audit_log.c.action == "pipeline.nudged")
    )
    assert len(audits) == 2
    await add_feedback(world.db, interview_id, "lina")
    clock.advance(timedelta(minutes=61))
    refused = await post(client, token, _url(world, "/nudge"), data)
    assert refused.status_code == 422
    assert len(await outbox_rows(world.db, kind=kinds.FEEDBACK_NUDGE)) == 2


async def test_nudge_use_case_refuses_someone_off_the_panel(world: World) -> None:
    interview_id = await _held(world)
    with pytest.raises(DomainError):
        await nudge(world.db, interview_id, world["sunhao"].id, actor=world.hr("liuyang"), now=NOW)


def _card_url(kind: str) -> str:
    url = render(_draft(kind)).payload()["card_action"]["url"]
    assert isinstance(url, str)
    return url


def test_nudge_and_reminder_link_to_the_scorecard() -> None:
    assert _card_url(kinds.FEEDBACK_NUDGE) == "https://portal.example.com/mine/42/scorecard"
    assert _card_url(kinds.FEEDBACK_DUE) == "https://portal.example.com/mine/42/scorecard"
    payload = render(_draft(kinds.FEEDBACK_NUDGE)).payload()
    assert payload["sub_title_text"] == "HR asks for your feedback on 王五."
