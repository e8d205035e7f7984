"""The Accept / Decline loop end to end: invitation card sent by the worker, button pressed in
the sandbox inbox, encrypted callback to the portal, reply recorded, card updated.

The interview is seeded through `tests.factories` and its `invited` row queued as the
scheduling service queues it; everything after that is the real path over loopback HTTP.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.async_api import expect

from portal.app import create_app
from portal.clock import FrozenClock
from portal.db.database import Database
from portal.db.tables import interview_interviewers, outbox
from portal.notifications import kinds
from tests.browser.conftest import PHONE, PageFactory, eventually, screenshot
from tests.conftest import SettingsFactory
from tests.factories import add_interview, add_person, queue
from tests.support.sandbox import SandboxControl
from tests.support.servers import free_port, serve_in_thread

pytestmark = pytest.mark.browser


@pytest.fixture
def portal_with_worker(
    make_settings: SettingsFactory, sqlite_url: str, sandbox: SandboxControl, clock: FrozenClock
) -> Iterator[str]:
    """The portal on loopback with its outbox worker running, as `portal serve` does, on the
    test's clock like the sandbox (so the callback's timestamp is fresh to the portal)."""
    port = free_port()
    settings = make_settings(sqlite_url, PORTAL_BASE_URL=f"http://127.0.0.1:{port}")
    with serve_in_thread(create_app(settings, run_worker=True, clock=clock), port=port) as url:
        sandbox.http.post("/_control/callback-url", json={"url": url + "/wecom/callback"})
        yield url


@pytest.mark.parametrize(
    ("button", "answer", "caption"),
    [("Accept", "accepted", "Accepted"), ("Decline", "declined", "Declined")],
)
async def test_card_button_in_wecom_records_the_reply_and_updates_the_card(
    portal_with_worker: str,
    portal_db: Database,
    sandbox: SandboxControl,
    page_factory: PageFactory,
    button: str,
    answer: str,
    caption: str,
) -> None:
    db = portal_db
    # Seeded at NOW, where the clock the portal and its worker run on stands: the invitation
    # is due at once.
    await add_person(db, "zhangwei", name="张伟", locale="en")
    booked = await add_interview(db, panel=["zhangwei"], created_by="liuyang")
    interview = booked.interview_id
    await queue(db, kinds.INVITED, "zhangwei", interview)

    async def card_arrived() -> bool:
        return len(await asyncio.to_thread(sandbox.messages, "zhangwei")) == 1

    await eventually(card_arrived)
    page = await page_factory(locale="en-US", viewport=PHONE)
    await page.goto(f"{sandbox.base_url}/inbox/zhangwei?lang=en")
    card = page.locator(".card-button_interaction")
    await expect(card.locator("h3.title")).to_have_text("Interview invitation")
    await card.get_by_role("button", name=button).click()

    async def replied() -> bool:
        rsvp = await db.fetch_val(
            sa.select(interview_interviewers.c.rsvp).where(
                interview_interviewers.c.interview_id == interview
            )
        )
        return bool(rsvp == answer)

    await eventually(replied)

    async def card_updated() -> bool:
        [message] = await asyncio.to_thread(sandbox.messages, "zhangwei")
        return bool(message["card"]["replace_name"] == caption)

    await eventually(card_updated)
    await page.reload()
    await expect(card.locator("button.replaced")).to_have_text(caption)
    await screenshot(page, f"wecom-card-{answer}")

    async def settled() -> bool:
        busy = sa.select(outbox.c.id).where(outbox.c.status.in_(["pending", "sending"]))
        return await db.fetch_val(busy) is None

    await eventually(settled)  # whatever the reply queued has been sent too
    rows = await db.fetch_all(sa.select(outbox.c.kind, outbox.c.recipient, outbox.c.status))
    expected = [
        (kinds.INVITED, "zhangwei", "sent"),
        (kinds.CALENDAR_SYNC, "zhangwei", "sent"),  # the invitation put it in their calendar
        (kinds.CARD_UPDATE, "zhangwei", "sent"),
    ]
    if answer == "declined":  # HR hears of it
        expected.append((kinds.INTERVIEWER_DECLINED, "liuyang", "sent"))
    assert sorted((row["kind"], row["recipient"], row["status"]) for row in rows) == sorted(
        expected
    )
