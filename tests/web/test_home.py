"""The home page after sign-in shows each role what needs them now, not navigation tiles.

HR: today's interviews, open reschedule requests, declines, dead letters and overdue
feedback. An interviewer: their next interview and the invitations they have not answered.
"""

from __future__ import annotations

from datetime import timedelta

import httpx
import sqlalchemy as sa
from bs4 import Tag

from portal.db.outbox import enqueue
from portal.db.reschedule_requests import Window, add_request
from portal.db.tables import outbox
from portal.interviews import service
from tests.conftest import Auth
from tests.factories import World, add_feedback, force_dead_letter, force_status
from tests.support.html import attr, one, soup, text
from tests.support.when import NOW

EN = {"Accept-Language": "en"}


def _links(node: Tag) -> list[str]:
    """Where the list items link (a section's own links, like "Open the board", left out)."""
    return [attr(a, "href") for a in node.select("li a[href], .interview-card")]


async def _decline(world: World, interview_id: int, userid: str) -> None:
    await service.respond(
        world.db,
        world.hub,
        interview_id=interview_id,
        actor=world.interviewer(userid),
        accept=False,
        reason="Travelling",
        now=NOW,
    )


async def test_home_for_hr_shows_today_and_what_needs_action(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    today = await world.interview(starts_in=timedelta(hours=2))  # 12:00 today in Shanghai
    cancelled_today = await world.interview(starts_in=timedelta(hours=4))
    await force_status(world.db, cancelled_today.interview_id, "cancelled")
    tomorrow = await world.interview(starts_in=timedelta(days=1))
    asked = await world.interview(starts_in=timedelta(days=3))
    await add_request(
        world.db,
        interview_id=asked.interview_id,
        link_id=asked.link_id,
        windows=[Window(NOW + timedelta(days=4), NOW + timedelta(days=4, hours=2))],
        timezone="Asia/Shanghai",
        message=None,
        now=NOW,
    )
    await _decline(world, tomorrow.interview_id, "lina")
    yesterday = await world.interview(starts_in=timedelta(days=-1))
    await force_status(world.db, yesterday.interview_id, "completed")
    await add_feedback(world.db, yesterday.interview_id, "lina")
    await enqueue(world.db, kind="invited", recipient="lina", payload={}, dedupe="d", now=NOW)
    dead = await world.db.fetch_val(sa.select(outbox.c.id).where(outbox.c.dedupe_key == "d"))
    await force_dead_letter(world.db, dead, errcode=81013, error="no valid recipient")

    page = soup(await client.get("/", headers=EN))
    assert page.select(".shortcuts") == [], "no bare navigation tiles"
    todays = one(page, "#home-today")
    assert _links(todays) == [f"/interviews/{today.interview_id}"]
    actions = one(page, "#home-actions")
    assert _links(one(actions, ".reschedule-requests")) == [f"/interviews/{asked.interview_id}"]
    declines = one(actions, ".declines")
    assert _links(declines) == [f"/interviews/{tomorrow.interview_id}"]
    assert "李娜" in declines.get_text()
    letters = one(actions, ".dead-letters")
    assert "1 WeCom messages could not be delivered" in letters.get_text()
    assert attr(one(letters, "a"), "href") == "/admin/notifications?status=dead"
    overdue = one(actions, ".overdue-feedback")
    assert _links(overdue) == [f"/interviews/{yesterday.interview_id}"]
    assert "张伟" in overdue.get_text() and "李娜" not in overdue.get_text()


async def test_home_for_hr_with_nothing_to_do_says_so(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    page = soup(await client.get("/", headers=EN))
    assert "No interviews today." in text(page, "#home-today")
    assert "Nothing needs your action." in text(page, "#home-actions")


async def test_home_for_interviewer_shows_next_interview_and_pending_replies(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    soon = await world.interview(starts_in=timedelta(hours=2))
    later = await world.interview(starts_in=timedelta(days=2))
    await service.respond(
        world.db,
        world.hub,
        interview_id=soon.interview_id,
        actor=world.interviewer("lina"),
        accept=True,
        reason=None,
        now=NOW,
    )
    await world.interview(starts_in=timedelta(days=1), panel=("sunhao",))  # not Lina's
    page = soup(await client.get("/", headers=EN))
    assert page.select_one("#home-actions") is None, "HR's section is for HR"
    upcoming = one(page, "#home-next")
    assert _links(upcoming) == [f"/mine/{soon.interview_id}"]
    assert "12:00" in upcoming.get_text()  # in Lina's zone (Shanghai)
    replies = one(page, "#home-replies")
    assert _links(replies) == [f"/mine/{later.interview_id}"]


async def test_home_for_interviewer_with_nothing_coming_says_so(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    page = soup(await client.get("/", headers=EN))
    assert "No interviews coming up." in text(page, "#home-next")
    assert page.select_one("#home-replies") is None
