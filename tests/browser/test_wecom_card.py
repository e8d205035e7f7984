"""The Accept / Decline loop end to end: invitation card sent by the worker, button pressed in
the sandbox inbox, encrypted callback to the portal, reply recorded, card updated.

The interview is written straight into the tables and its `invited` row queued as the
scheduling service queues it; everything after that is the real path over loopback HTTP.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import pytest
import sqlalchemy as sa
from playwright.async_api import expect

from portal.app import create_app
from portal.db.database import Database
from portal.db.tables import interview_interviewers, outbox
from portal.notifications import kinds
from tests.browser.conftest import PHONE, PageFactory, screenshot
from tests.conftest import SettingsFactory
from tests.notifications.factories import add_interview, add_person, queue
from tests.support.sandbox import SandboxControl
from tests.support.servers import free_port, serve_in_thread

pytestmark = pytest.mark.browser


@pytest.fixture
def portal_with_worker(
    make_settings: SettingsFactory, sqlite_url: str, wecom: SandboxControl
) -> Iterator[str]:
    """The portal on loopback with its outbox worker running, as `portal serve` does."""
    port = free_port()
    settings = make_settings(sqlite_url, PORTAL_BASE_URL=f"http://127.0.0.1:{port}")
    with serve_in_thread(create_app(settings, run_worker=True), port=port) as url:
        wecom.http.post("/_control/callback-url", json={"url": url + "/wecom/callback"})
        yield url


@pytest.fixture
async def portal_db(sqlite_url: str) -> AsyncIterator[Database]:
    db = Database(sqlite_url)
    await db.connect()
    yield db
    await db.disconnect()


async def _eventually(check: object, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not await check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


@pytest.mark.parametrize(
    ("button", "answer", "caption"),
    [("Accept", "accepted", "Accepted"), ("Decline", "declined", "Declined")],
)
async def test_card_button_in_wecom_records_the_reply_and_updates_the_card(
    portal_with_worker: str,
    portal_db: Database,
    wecom: SandboxControl,
    page_factory: PageFactory,
    button: str,
    answer: str,
    caption: str,
) -> None:
    db = portal_db
    await add_person(db, "zhangwei", name="张伟", locale="en")
    interview = await add_interview(db, panel=["zhangwei"], created_by="liuyang")
    await queue(db, kinds.INVITED, "zhangwei", interview)

    async def card_arrived() -> bool:
        return len(await asyncio.to_thread(wecom.messages, "zhangwei")) == 1

    await _eventually(card_arrived)
    page = await page_factory(locale="en-US", viewport=PHONE)
    await page.goto(f"{wecom.base_url}/inbox/zhangwei?lang=en")
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

    await _eventually(replied)

    async def card_updated() -> bool:
        [message] = await asyncio.to_thread(wecom.messages, "zhangwei")
        return bool(message["card"]["replace_name"] == caption)

    await _eventually(card_updated)
    await page.reload()
    await expect(card.locator("button.replaced")).to_have_text(caption)
    await screenshot(page, f"wecom-card-{answer}")
    sent = await db.fetch_all(sa.select(outbox.c.kind).where(outbox.c.status == "sent"))
    assert {row["kind"] for row in sent} >= {kinds.INVITED, kinds.CARD_UPDATE}
    if answer == "declined":  # HR hears of it
        assert (
            await db.fetch_val(
                sa.select(outbox.c.recipient).where(outbox.c.kind == kinds.INTERVIEWER_DECLINED)
            )
            == "liuyang"
        )
