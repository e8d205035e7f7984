"""Replacements end to end against the WeCom sandbox (issue 16): a decline on a round that
replaces by itself invites the least loaded free pool member with a card; they accept with
its button, and the board shows who replaced whom."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

from portal.app import create_app
from portal.clock import FrozenClock
from portal.db.board import list_for_day
from portal.notifications.worker import OutboxWorker
from portal.scheduling import day_range, local_date
from portal.settings import Settings
from tests.factories import DRAFT_LEAD, World, add_person
from tests.interviews.test_replacements import _book, _load_sunhao, _round
from tests.support.sandbox import SandboxControl
from tests.support.servers import serve_in_thread
from tests.support.when import NOW

Press = Callable[[dict[str, Any], str], Awaitable[dict[str, Any]]]


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


async def settle(worker: OutboxWorker) -> None:
    while await worker.run_once():
        pass


async def test_replacement_decline_invites_the_replacement_who_accepts_by_card(
    world: World, worker: OutboxWorker, sandbox: SandboxControl, press: Press
) -> None:
    round_id = await _round(world, auto=True)
    for userid in ("lina", "wangfang"):
        world.people[userid] = await add_person(world.db, userid, locale="en")
    await _load_sunhao(world)
    interview_id = await _book(world, round_id)
    await settle(worker)
    [invitation] = sandbox.messages("lina")
    await press(invitation, "Decline")  # lina declines from her card
    await settle(worker)
    [card] = sandbox.messages("wangfang")  # the least loaded free member, not sunhao
    assert card["body"]["card_type"] == "button_interaction"
    assert card["body"]["main_title"]["title"] == "Interview invitation"
    await press(card, "Accept")
    await settle(worker)
    day = local_date(NOW + DRAFT_LEAD, "Asia/Shanghai")
    [row] = [
        e
        for e in await list_for_day(world.db, day_range=day_range(day, "Asia/Shanghai"))
        if e.id == interview_id
    ]
    assert row.replaced
    panel = {m.person_id: m.rsvp for m in row.panel}
    assert panel == {world["zhangwei"].id: "pending", world["wangfang"].id: "accepted"}
    assert sandbox.messages("sunhao") == []
