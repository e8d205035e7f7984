"""Replacing an interviewer who declined (issue 16): the suggestion, HR's invite, auto_replace."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import httpx
import sqlalchemy as sa

from portal.db.interviews import InterviewDetail, get_detail
from portal.db.plans import get_round, insert_round
from portal.db.tables import audit_log
from portal.db.unavailable import add_block
from portal.interviews import service
from portal.interviews.replacements import best_replacement
from portal.scheduling import local_date
from portal.scheduling.kits import RoundFields
from portal.scheduling.rooms import RoomKind
from tests.conftest import Auth
from tests.factories import DRAFT_LEAD, World, add_person
from tests.interviews.support import outbox_rows
from tests.support.when import NOW


async def _round(world: World, *, auto: bool = False) -> int:
    """A round whose pool is the world's three interviewers and wangfang."""
    world.people["wangfang"] = await add_person(
        world.db, "wangfang", name="王芳", english_name="Wang Fang", role="interviewer"
    )
    pool = tuple(world[u].id for u in ("zhangwei", "lina", "sunhao", "wangfang"))
    fields = RoundFields("技术一面", 60, RoomKind.NONE, None, 2, (), (), pool, auto_replace=auto)
    return await insert_round(world.db, world.position_id, fields, now=NOW)


async def _book(world: World, round_id: int) -> int:
    draft = dataclasses.replace(world.draft(), plan_round_id=round_id)
    detail = await service.create(world.db, world.hub, draft, actor=world.hr("liuyang"), now=NOW)
    return detail.id


async def _decline(world: World, interview_id: int, userid: str = "lina") -> InterviewDetail:
    return await service.respond(
        world.db,
        world.hub,
        interview_id=interview_id,
        actor=world.interviewer(userid),
        accept=False,
        reason="Travelling",
        now=NOW + timedelta(minutes=5),
    )


async def _load_sunhao(world: World) -> None:
    """sunhao has another interview this week (Thursday), so he is the busier of the two."""
    await world.interview(panel=["sunhao"])


async def test_replacements_suggest_the_least_loaded_free_member(world: World) -> None:
    round_id = await _round(world)
    await _load_sunhao(world)
    interview_id = await _book(world, round_id)
    detail = await _decline(world, interview_id)
    best = await best_replacement(world.db, detail, NOW)
    assert best is not None and best.person_id == world["wangfang"].id
    assert best.week_load == 0


async def test_replacements_skip_busy_and_away_members(world: World) -> None:
    round_id = await _round(world)
    interview_id = await _book(world, round_id)
    # wangfang is booked at the same time elsewhere; sunhao is away that morning.
    await world.interview(starts_in=DRAFT_LEAD, panel=["wangfang"])
    start = NOW + DRAFT_LEAD
    await add_block(
        world.db,
        person_id=world["sunhao"].id,
        starts_at=start - timedelta(hours=1),
        ends_at=start + timedelta(hours=3),
        note="away",
        now=NOW,
    )
    detail = await _decline(world, interview_id)
    assert await best_replacement(world.db, detail, NOW) is None


async def test_replacements_busy_member_skipped_for_the_next(world: World) -> None:
    round_id = await _round(world)
    interview_id = await _book(world, round_id)
    await world.interview(starts_in=DRAFT_LEAD, panel=["wangfang"])
    detail = await _decline(world, interview_id)
    best = await best_replacement(world.db, detail, NOW)
    assert best is not None and best.person_id == world["sunhao"].id


async def test_replacements_hr_invites_the_suggestion(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    round_id = await _round(world)
    await _load_sunhao(world)
    interview_id = await _book(world, round_id)
    await _decline(world, interview_id)
    page = await client.get(f"/interviews/{interview_id}")
    assert "建议替换为：王芳 (Wang Fang)（本周 0 场面试）" in page.text
    assert "已拒绝——有建议的替换人选" in (await client.get("/board?day=" + _day())).text
    form = {
        "csrf_token": await hr.csrf_token(),
        "person_id": str(world["lina"].id),
        "replacement_id": str(world["wangfang"].id),
    }
    response = await client.post(f"/interviews/{interview_id}/replace", data=form)
    assert response.status_code == 303, response.text
    detail = await get_detail(world.db, interview_id)
    assert detail is not None
    assert set(detail.interviewer_ids) == {world["zhangwei"].id, world["wangfang"].id}
    invited = await outbox_rows(world.db, recipient="wangfang")
    assert [row["kind"] for row in invited].count("invited") == 1
    audited = await world.db.fetch_all(
        sa.select(audit_log).where(audit_log.c.action == "interviewer_replaced")
    )
    assert len(audited) == 1
    board = (await client.get("/board?day=" + _day())).text
    assert "已邀请替换面试官" in board
    # Pressing again: lina is no longer on the panel to be replaced.
    again = await client.post(f"/interviews/{interview_id}/replace", data=form)
    assert again.status_code == 409


async def test_replacements_refused_when_the_suggestion_is_no_longer_free(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    round_id = await _round(world)
    interview_id = await _book(world, round_id)
    await _decline(world, interview_id)
    await world.interview(starts_in=DRAFT_LEAD, panel=["wangfang"])  # taken meanwhile
    form = {
        "csrf_token": await hr.csrf_token(),
        "person_id": str(world["lina"].id),
        "replacement_id": str(world["wangfang"].id),
    }
    response = await client.post(f"/interviews/{interview_id}/replace", data=form)
    assert response.status_code == 409
    assert "王芳 (Wang Fang) 此时已没空" in response.text


async def test_replacements_no_one_free_hr_is_told(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    round_id = await _round(world)
    interview_id = await _book(world, round_id)
    for userid in ("wangfang", "sunhao"):
        await world.interview(starts_in=DRAFT_LEAD, panel=[userid])
    await _decline(world, interview_id)
    page = await client.get(f"/interviews/{interview_id}")
    assert "本轮面试官池中此时无人有空" in page.text


async def test_replacements_auto_replace_round_replaces_at_once(world: World) -> None:
    round_id = await _round(world, auto=True)
    await _load_sunhao(world)
    interview_id = await _book(world, round_id)
    detail = await _decline(world, interview_id)
    assert set(detail.interviewer_ids) == {world["zhangwei"].id, world["wangfang"].id}
    invited = await outbox_rows(world.db, recipient="wangfang")
    assert [row["kind"] for row in invited].count("invited") == 1


async def test_replacements_plain_round_only_suggests(world: World) -> None:
    round_id = await _round(world)
    interview_id = await _book(world, round_id)
    detail = await _decline(world, interview_id)
    assert world["lina"].id in detail.interviewer_ids
    assert await outbox_rows(world.db, recipient="wangfang") == []


def _day() -> str:
    return local_date(NOW + DRAFT_LEAD, "Asia/Shanghai").isoformat()


async def test_replacements_round_form_keeps_the_auto_replace_checkbox(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    round_id = await _round(world)
    form = {
        "csrf_token": await hr.csrf_token(),
        "name": "技术一面",
        "duration_minutes": "60",
        "panel_size": "2",
        "room_kind": "none",
        "auto_replace": "1",
    }
    path = f"/positions/{world.position_id}/plan/rounds/{round_id}"
    response = await client.post(path, data=form)
    assert response.status_code == 303, response.text
    found = await get_round(world.db, round_id)
    assert found is not None and found.auto_replace
    page = await client.get(path)
    assert 'name="auto_replace" value="1" checked' in page.text
