"""Check-in tells the panel: each interviewer gets a WeCom message that the candidate is here."""

from __future__ import annotations

from datetime import timedelta

import httpx

from portal.notifications.worker import OutboxWorker
from tests.candidate.support import outbox_kinds
from tests.candidate.test_actions import open_page, post
from tests.factories import World, add_person
from tests.notifications.conftest import Drain
from tests.support.sandbox import SandboxControl


async def test_check_in_messages_each_interviewer_in_wecom(
    client: httpx.AsyncClient,
    world: World,
    worker: OutboxWorker,
    drain: Drain,
    sandbox: SandboxControl,
) -> None:
    await add_person(world.db, "lina", locale="en")
    booked = await world.interview(starts_in=timedelta(minutes=10))
    token = await open_page(client, booked)
    response = await post(client, booked, "checkin", token)
    assert response.status_code == 200
    await drain(worker)
    for userid in ("lina", "zhangwei"):
        [message] = sandbox.messages(userid)
        card = message["body"]
        assert card["card_action"]["url"] == f"http://portal.test/mine/{booked.interview_id}"
    lina = sandbox.messages("lina")[0]["body"]
    assert lina["main_title"]["title"] == "Candidate checked in"
    assert lina["sub_title_text"].endswith("is waiting.")
    [hr] = sandbox.messages("liuyang")
    assert hr["body"]["card_action"]["url"].endswith(f"/interviews/{booked.interview_id}")


async def test_check_in_tells_a_panel_member_who_is_also_hr_once(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview(starts_in=timedelta(minutes=10), panel=["liuyang", "lina"])
    token = await open_page(client, booked)
    await post(client, booked, "checkin", token)
    assert sorted(await outbox_kinds(world.db, booked.interview_id)) == [
        ("candidate_arrived", "lina"),
        ("candidate_checked_in", "liuyang"),
    ]
