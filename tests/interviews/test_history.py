"""The interview's history on HR's page: every change, who made it by name, in the viewer's
language and zone (issue 13, item 6)."""

from __future__ import annotations

from datetime import timedelta

import httpx
from bs4 import Tag

from portal.db.rooms import claim_rooms, remember_platform_event, room_failed, want_room
from portal.db.tables import platform_events, rooms
from portal.interviews import service
from portal.interviews.common import locked
from portal.interviews.panel import move
from portal.scheduling import Actor, RescheduleDraft, Slot, Status
from portal.scheduling.rsvp import CARD_DECLINED
from tests.conftest import Auth
from tests.factories import CANDIDATE_NAME, World
from tests.interviews.web import EN
from tests.support.html import one, soup
from tests.support.when import NOW


async def _book(world: World) -> int:
    draft = world.draft()  # Wednesday 10:00 in Shanghai
    detail = await service.create(world.db, world.hub, draft, actor=world.hr("liuyang"), now=NOW)
    return detail.id


async def _history(client: httpx.AsyncClient, interview_id: int, **headers: str) -> list[Tag]:
    page = soup(await client.get(f"/interviews/{interview_id}", headers=headers or EN))
    return page.select(f"#interview-history-{interview_id} li.history-entry")


def _words(line: Tag) -> str:
    return " ".join(line.get_text().split())


def _with(lines: list[Tag], words: str) -> str:
    found = [_words(line) for line in lines if words in _words(line)]
    assert found, f"no history line with {words!r} in {[_words(line) for line in lines]}"
    return found[-1]


async def test_history_candidate_action_shows_candidate_by_name_not_id(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    interview_id = await _book(world)
    async with world.db.transaction():
        current = await locked(world.db, interview_id, None)
        await move(
            world.db, current, Status.CONFIRMED, actor=Actor.candidate(world.candidate_id), now=NOW
        )
    line = _with(await _history(client, interview_id), "Confirmed")
    assert f"Candidate {CANDIDATE_NAME}" in line
    assert f"· {world.candidate_id}" not in line
    booked = _with(await _history(client, interview_id), "Scheduled")
    assert "刘洋 (Liu Yang)" in booked


async def test_history_reschedule_shows_old_and_new_time_in_viewer_zone(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    interview_id = await _book(world)
    later = Slot.starting(NOW + timedelta(days=2, hours=4), timedelta(hours=1))  # Thu 14:00
    draft = RescheduleDraft(later, "Asia/Shanghai", "Room clash", False, None)
    await service.reschedule(
        world.db, world.hub, interview_id, draft, actor=world.hr("zhaolei"), now=NOW
    )
    line = _with(await _history(client, interview_id), "Time changed")
    assert "赵蕾 (Zhao Lei)" in line
    assert "10:00 AM" in line and "2:00 PM" in line and "→" in line
    assert "Room clash" in line


async def test_history_panel_edit_names_who_joined_and_left(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    interview_id = await _book(world)
    edited = world.draft(panel=("zhangwei", "sunhao"), version=1)
    await service.update(
        world.db, world.hub, interview_id, edited, actor=world.hr("liuyang"), now=NOW
    )
    line = _with(await _history(client, interview_id), "Interviewers changed")
    assert "added 孙浩 (Sun Hao)" in line
    assert "removed 李娜 (Li Na)" in line


async def test_history_reply_names_interviewer_and_reason(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    interview_id = await _book(world)
    for userid, accept, reason in (("zhangwei", True, None), ("lina", False, "Travelling")):
        await service.respond(
            world.db,
            world.hub,
            interview_id=interview_id,
            actor=world.interviewer(userid),
            accept=accept,
            reason=reason,
            now=NOW,
        )
    lines = await _history(client, interview_id)
    assert "张伟 (Zhang Wei)" in _with(lines, "Accepted the invitation")
    declined = _with(lines, "Declined the invitation")
    assert "李娜 (Li Na)" in declined and "Travelling" in declined


async def test_history_room_failure_and_platform_report_have_their_actor(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    interview_id = await _book(world)
    await want_room(world.db, interview_id, type_id=1, now=NOW)
    [task] = await claim_rooms(world.db, now=NOW, limit=5, lease=60.0, token="t")
    await room_failed(world.db, task, error="bad credentials", errcode=401, now=NOW)
    await world.db.execute(
        rooms.update().where(rooms.c.interview_id == interview_id).values(uid="room-1")
    )
    await remember_platform_event(
        world.db, event="interview_ended", uid="room-1", rate=4, ts=None, source="webhook", now=NOW
    )
    await world.db.execute(platform_events.update().values(applied_at=NOW))
    lines = await _history(client, interview_id)
    failed = _with(lines, "Room could not be prepared")
    assert "System" in failed and "bad credentials" in failed
    ended = _with(lines, "Interview ended in the room")
    assert "Interview platform" in ended and "Rating 4 / 5" in ended


async def test_history_speaks_the_viewers_language(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    interview_id = await _book(world)
    async with world.db.transaction():
        current = await locked(world.db, interview_id, None)
        await move(
            world.db, current, Status.CONFIRMED, actor=Actor.candidate(world.candidate_id), now=NOW
        )
    lines = await _history(client, interview_id, **{"Accept-Language": "zh"})
    line = _with(lines, CANDIDATE_NAME)
    assert "Candidate" not in line and "候选人" in line


async def test_history_and_replies_show_a_card_decline_in_words(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    interview_id = await _book(world)
    await service.respond(
        world.db,
        world.hub,
        interview_id=interview_id,
        actor=world.interviewer("lina"),
        accept=False,
        reason=CARD_DECLINED,
        now=NOW,
    )
    page = soup(await client.get(f"/interviews/{interview_id}", headers=EN))
    reply = _words(one(page, f"#interview-replies-{interview_id} #reply-{world['lina'].id}"))
    assert "Declined from the WeCom card" in reply and CARD_DECLINED not in reply
    lines = page.select(f"#interview-history-{interview_id} li.history-entry")
    assert "Declined from the WeCom card" in _with(lines, "Declined the invitation")
