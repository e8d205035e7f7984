"""WeCom cards follow the interview (issue 13, items 2-4), against the sandbox.

The portal is served on loopback so the sandbox's button presses reach `/wecom/callback` as
WeCom's would; the test's own worker sends what the presses and the use cases queue.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from portal.app import create_app
from portal.clock import FrozenClock
from portal.db.tables import interview_interviewers
from portal.i18n import Catalogs
from portal.interviews import service
from portal.interviews.panel import CardOutdated
from portal.notifications.worker import OutboxWorker
from portal.scheduling import CancelDraft, RescheduleDraft, Slot
from portal.scheduling.rsvp import CARD_DECLINED, rsvp_reason_text
from portal.settings import Settings
from tests.factories import WEDNESDAY_10, World, add_person
from tests.support.sandbox import SandboxControl
from tests.support.servers import serve_in_thread
from tests.support.when import NOW

Press = Callable[[dict[str, Any], str], Awaitable[dict[str, Any]]]
CHANGED_CAPTION = "Interview changed, see the new card"


@pytest.fixture
def press(settings: Settings, clock: FrozenClock, sandbox: SandboxControl) -> Iterator[Press]:
    """Press a button of a delivered card in the sandbox; WeCom's callback reaches the portal."""
    with serve_in_thread(create_app(settings, clock=clock)) as url:
        sandbox.http.post("/_control/callback-url", json={"url": url + "/wecom/callback"})

        async def run(message: dict[str, Any], text: str) -> dict[str, Any]:
            [key] = [b["key"] for b in message["body"]["button_list"] if b["text"] == text]
            body = {"msgid": message["msgid"], "userid": message["touser"], "key": key}
            response = await asyncio.to_thread(sandbox.http.post, "/_control/click", json=body)
            response.raise_for_status()
            callback: dict[str, Any] = response.json()["callback"]
            assert callback["status"] == 200, callback
            return callback

        yield run


@pytest.fixture
async def english(world: World) -> World:
    """The world, with lina and liuyang reading the portal in English."""
    for userid in ("lina", "liuyang"):
        world.people[userid] = await add_person(world.db, userid, locale="en")
    return world


def cards(sandbox: SandboxControl, userid: str) -> list[dict[str, Any]]:
    return sandbox.messages(userid)


def caption(sandbox: SandboxControl, msgid: str) -> str | None:
    [message] = sandbox.messages(msgid=msgid)
    return message["card"]["replace_name"]  # type: ignore[no-any-return]


async def rsvp(world: World, userid: str, interview_id: int) -> tuple[str, str | None]:
    ii = interview_interviewers
    row = await world.db.fetch_one(
        sa.select(ii.c.rsvp, ii.c.rsvp_reason).where(
            ii.c.interview_id == interview_id, ii.c.person_id == world.people[userid].id
        )
    )
    assert row is not None
    return row["rsvp"], row["rsvp_reason"]


async def settle(worker: OutboxWorker) -> None:
    """Send what is due now (not the reminders and nudges the clock has not reached)."""
    while await worker.run_once():
        pass


async def book(world: World, worker: OutboxWorker) -> int:
    created = await service.create(
        world.db, world.hub, world.draft(), actor=world.hr("liuyang"), now=NOW
    )
    await settle(worker)
    return created.id


async def move(world: World, interview_id: int, version: int) -> None:
    later = Slot.starting(WEDNESDAY_10 + timedelta(hours=3), timedelta(hours=1))
    draft = RescheduleDraft(later, "Asia/Shanghai", None, False, version)
    await service.reschedule(
        world.db, world.hub, interview_id, draft, actor=world.hr("liuyang"), now=NOW
    )


async def test_cards_old_invitation_pressed_after_a_reschedule_records_nothing(
    english: World, worker: OutboxWorker, sandbox: SandboxControl, press: Press
) -> None:
    world = english
    interview = await book(world, worker)
    [invitation] = cards(sandbox, "lina")
    await move(world, interview, 1)  # the "changed" card is queued, not sent yet
    await press(invitation, "Accept")
    assert await rsvp(world, "lina", interview) == ("pending", None)
    await settle(worker)
    assert caption(sandbox, invitation["msgid"]) == CHANGED_CAPTION


async def test_cards_changed_card_carries_buttons_and_supersedes_the_invitation(
    english: World, worker: OutboxWorker, sandbox: SandboxControl, press: Press
) -> None:
    world = english
    interview = await book(world, worker)
    await move(world, interview, 1)
    await settle(worker)
    invitation, changed = cards(sandbox, "lina")
    assert caption(sandbox, invitation["msgid"]) == CHANGED_CAPTION
    assert changed["body"]["card_type"] == "button_interaction"
    assert changed["body"]["sub_title_text"].endswith("1:00\u202fPM–2:00\u202fPM")
    await press(changed, "Accept")
    assert await rsvp(world, "lina", interview) == ("accepted", None)
    await settle(worker)
    assert caption(sandbox, changed["msgid"]) == "Accepted"


async def test_cards_invitation_superseded_before_it_was_sent_is_not_sent(
    english: World, worker: OutboxWorker, sandbox: SandboxControl
) -> None:
    world = english
    created = await service.create(
        world.db, world.hub, world.draft(), actor=world.hr("liuyang"), now=NOW
    )
    await move(world, created.id, 1)
    await settle(worker)
    [only] = cards(sandbox, "lina")
    assert only["body"]["main_title"]["title"] == "Interview changed"


async def test_cards_cancellation_has_no_room_link_and_updates_the_accepted_invitation(
    english: World, worker: OutboxWorker, sandbox: SandboxControl, press: Press
) -> None:
    world = english
    interview = await book(world, worker)
    [invitation] = cards(sandbox, "lina")
    assert "Room" in [item["keyname"] for item in invitation["body"]["horizontal_content_list"]]
    await press(invitation, "Accept")
    await settle(worker)
    assert caption(sandbox, invitation["msgid"]) == "Accepted"
    await service.cancel(
        world.db,
        world.hub,
        interview,
        CancelDraft("Position filled", 1),
        actor=world.hr("liuyang"),
        now=NOW,
    )
    await settle(worker)
    _, cancelled = cards(sandbox, "lina")
    assert cancelled["body"]["main_title"]["title"] == "Interview cancelled"
    keynames = [item["keyname"] for item in cancelled["body"]["horizontal_content_list"]]
    assert "Room" not in keynames
    assert caption(sandbox, invitation["msgid"]) == "Interview cancelled"


async def test_cards_reply_in_the_portal_replaces_the_buttons(
    english: World, worker: OutboxWorker, sandbox: SandboxControl
) -> None:
    world = english
    interview = await book(world, worker)
    [invitation] = cards(sandbox, "lina")
    await service.respond(
        world.db,
        world.hub,
        interview_id=interview,
        actor=world.interviewer("lina"),
        accept=False,
        reason="On leave",
        now=NOW,
    )
    await settle(worker)
    assert caption(sandbox, invitation["msgid"]) == "Declined"


async def test_cards_removal_from_the_panel_updates_the_card(
    english: World, worker: OutboxWorker, sandbox: SandboxControl
) -> None:
    world = english
    interview = await book(world, worker)
    [invitation] = cards(sandbox, "lina")
    draft = world.draft(panel=("zhangwei",), version=1)
    await service.update(world.db, world.hub, interview, draft, actor=world.hr("liuyang"), now=NOW)
    await settle(worker)
    assert caption(sandbox, invitation["msgid"]) == "Removed from interview"
    _, removed = cards(sandbox, "lina")
    keynames = [item["keyname"] for item in removed["body"]["horizontal_content_list"]]
    assert "Room" not in keynames


async def test_cards_decline_stores_a_code_hr_reads_in_their_language(
    english: World, worker: OutboxWorker, sandbox: SandboxControl, press: Press
) -> None:
    world = english
    interview = await book(world, worker)
    [invitation] = cards(sandbox, "lina")
    await press(invitation, "Decline")
    assert await rsvp(world, "lina", interview) == ("declined", CARD_DECLINED)
    await settle(worker)
    [told] = [
        m for m in cards(sandbox, "liuyang") if "declined" in m["body"]["main_title"]["title"]
    ]
    assert told["body"]["sub_title_text"] == "Reason: Declined from the WeCom card"


def test_rsvp_reason_text_translates_codes_and_keeps_people_s_words() -> None:
    zh = Catalogs().get("zh")
    assert rsvp_reason_text(CARD_DECLINED) == "Declined from the WeCom card"
    assert rsvp_reason_text(CARD_DECLINED, zh.gettext) == "通过企业微信卡片拒绝"
    assert rsvp_reason_text("declined from WeCom card", zh.gettext) == "通过企业微信卡片拒绝"
    assert rsvp_reason_text("On leave", zh.gettext) == "On leave"
    assert rsvp_reason_text(None) is None


async def test_cards_respond_with_an_outdated_card_version_is_refused(
    world: World, worker: OutboxWorker
) -> None:
    interview = await book(world, worker)
    await move(world, interview, 1)
    with pytest.raises(CardOutdated):
        await service.respond(
            world.db,
            world.hub,
            interview_id=interview,
            actor=world.interviewer("lina"),
            accept=True,
            reason=None,
            now=NOW,
            card_version=1,
        )
    assert await rsvp(world, "lina", interview) == ("pending", None)
