"""Live status across two `portal serve` processes on one PostgreSQL: a change made through
one appears on pages served by the other without a reload, and a page whose server went away
catches up when it comes back."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Error, Page, expect

from portal.clock import SYSTEM_CLOCK
from portal.db.database import Database
from portal.live import LiveEvent, PostgresBroadcaster
from portal.scheduling import today_range
from portal.wecom import sandbox as demo
from portal.wecom.sandbox import SandboxConfig
from tests.browser.conftest import PHONE, WECOM_UA, PageFactory, screenshot
from tests.conftest import environ_for
from tests.factories import add_interview
from tests.live.processes import PortalProcess, sandbox_on_machine_clock
from tests.support import databases
from tests.support.sandbox import AppSwitch, SandboxControl
from tests.support.servers import free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HR, OTHER_HR = demo.DEMO_HR_USERID, "zhaolei"
INTERVIEWER = demo.DEMO_INTERVIEWER_USERID


@pytest.fixture
def sandbox(
    _wecom_server: tuple[AppSwitch, str], wecom_config: SandboxConfig
) -> Iterator[SandboxControl]:
    """The `portal serve` processes run on the machine's clock, and so does the sandbox: this
    whole test is on the machine's clock (its seed data too, in `seed_today`)."""
    with sandbox_on_machine_clock(_wecom_server, wecom_config) as control:
        yield control


@pytest.fixture
def two_servers(
    postgres_url: str, sandbox: SandboxControl, tmp_path: Path
) -> Iterator[tuple[PortalProcess, PortalProcess]]:
    databases.truncate_postgres(postgres_url)
    servers = []
    for name in ("one", "two"):
        port = free_port()
        environ = environ_for(
            postgres_url, sandbox.base_url, PORTAL_BASE_URL=f"http://127.0.0.1:{port}"
        )
        servers.append(PortalProcess(environ, port=port, log=tmp_path / f"{name}.log"))
    try:
        for server in servers:
            server.start()
        yield servers[0], servers[1]
    finally:
        for server in servers:
            server.stop()


class ConsoleErrors:
    """Console errors, with the ones a deliberate server outage causes set apart.

    While the server is down, Chromium logs each refused reconnect, and the htmx SSE extension
    logs the EventSource error event; both are expected then, and only then.
    """

    def __init__(self) -> None:
        self.during_outage = False
        self.unexpected: list[str] = []
        self.outage: list[str] = []

    def record(self, text: str) -> None:
        (self.outage if self.during_outage else self.unexpected).append(text)

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.record(message.text)

    def page_error(self, error: Error) -> None:
        self.record(str(error))


@pytest.fixture
async def watched(browser: Browser) -> AsyncIterator[tuple[PageFactory, ConsoleErrors]]:
    """Pages on the server that will go down: console errors are checked by phase."""
    errors = ConsoleErrors()
    contexts: list[BrowserContext] = []

    async def open_page(**options: Any) -> Page:
        context = await browser.new_context(locale="en-US", **options)
        contexts.append(context)
        page = await context.new_page()
        page.on("console", errors.console)
        page.on("pageerror", errors.page_error)
        return page

    yield open_page, errors
    for context in contexts:
        await context.close()
    assert errors.unexpected == []


async def sign_in(page: Page, base_url: str, userid: str) -> None:
    await page.goto(base_url + "/login")
    if await page.get_by_role("link", name="Sign in with WeCom").count():
        await page.get_by_role("link", name="Sign in with WeCom").click()
    await page.locator(f"button.member[value={userid}]").click()
    await page.wait_for_url(base_url + "/")


async def seed_today(url: str, panel_userid: str | None, *, announce: bool = False) -> int:
    """An interview on today's board, started within the hour and lasting eight (the longest
    the portal books), so every status move is allowed now.

    `announce`: publish it, as a third app instance would (NOTIFY needs no listener).
    """
    # The `portal serve` processes run on the machine's clock: "now" and "today" are theirs.
    now = SYSTEM_CLOCK.now()
    today = today_range(now, "Asia/Shanghai")
    db = Database(url)
    await db.connect()
    broadcaster = PostgresBroadcaster(db)
    try:
        booked = await add_interview(
            db,
            panel=[panel_userid] if panel_userid else [],
            starts_at=max(today.start, now - timedelta(hours=1)),
            minutes=8 * 60,
            now=now,
        )
        interview_id = booked.interview_id
        if announce:
            await broadcaster.publish(LiveEvent(interview_id, "created"))
        return interview_id
    finally:
        await db.disconnect()


async def test_status_change_through_one_server_appears_on_other_servers_pages(
    two_servers: tuple[PortalProcess, PortalProcess],
    postgres_url: str,
    watched: tuple[PageFactory, ConsoleErrors],
    page_factory: PageFactory,
) -> None:
    one, two = two_servers
    open_page, console = watched
    board = await open_page(viewport={"width": 1280, "height": 800})
    phone = await open_page(viewport=PHONE, user_agent=WECOM_UA, is_mobile=True)
    await sign_in(phone, one.url, INTERVIEWER)
    interview_id = await seed_today(postgres_url, INTERVIEWER)
    row_badge = board.locator(f"#interview-{interview_id} .badge").first
    phone_status = phone.locator(f"#interview-status-{interview_id} .badge")

    # HR watches the board and an interviewer their interview, both on server one.
    await sign_in(board, one.url, HR)
    await board.goto(one.url + "/board")
    await expect(board.locator("#board-live")).to_have_attribute("data-live-state", "open")
    await expect(row_badge).to_have_text("Scheduled")
    await phone.goto(f"{one.url}/mine/{interview_id}")
    await expect(phone.locator(".live-anchor")).to_have_attribute("data-live-state", "open")
    for page in (board, phone):
        await page.evaluate("window.portalNotReloaded = true")

    # Another HR coordinator confirms it through server two.
    other = await page_factory(locale="en-US", viewport={"width": 1280, "height": 800})
    await sign_in(other, two.url, OTHER_HR)
    await other.goto(f"{two.url}/interviews/{interview_id}")
    await other.get_by_role("button", name="Mark as confirmed by the candidate").click()

    await expect(row_badge).to_have_text("Confirmed")
    await expect(phone_status).to_have_text("Confirmed")
    # The resume point travels with the page, for when htmx has to open a new EventSource.
    await expect(board.locator("#board-live")).to_have_attribute(
        "sse-connect", re.compile("after=1$")
    )
    await screenshot(board, "live-board-confirmed")

    # An interview booked elsewhere is not on the board yet: the board fetches itself again.
    booked = await seed_today(postgres_url, None, announce=True)
    await expect(board.locator(f"#interview-{booked} .badge").first).to_have_text("Scheduled")
    await expect(board.locator("table.board tbody tr")).to_have_count(2)

    # Server one goes away with the streams open, must stop promptly, and misses a change.
    console.during_outage = True
    assert one.stop() < 5
    await other.get_by_role("button", name="Mark the interview as started").click()
    await expect(other.locator(f"#interview-status-{interview_id} .badge")).to_have_text(
        "In progress"
    )
    one.start()
    await expect(row_badge).to_have_text("In progress", timeout=20_000)
    await expect(phone_status).to_have_text("In progress", timeout=20_000)
    console.during_outage = False

    for page in (board, phone):
        assert await page.evaluate("window.portalNotReloaded === true"), "the page reloaded"
    await screenshot(board, "live-board-caught-up")
