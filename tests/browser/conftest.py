"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium), headless.

- `live_url`: the portal served by uvicorn on a loopback port (SQLite), on the test's frozen
  `clock` like the sandbox: seed it at `tests.support.when.NOW` (the builders' default).
- `browser`: a Chromium per test (Playwright's async API, so browser tests share the event
  loop handling of the rest of the suite); `page_factory(viewport=..., user_agent=...,
  locale=...)` opens pages that record console errors and any request leaving localhost, both
  asserted empty at the end of the test.
Screenshots go to `test-artifacts/` at the repository root.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Request,
    async_playwright,
)

from portal.app import create_app
from portal.clock import FrozenClock
from portal.db.database import Database
from tests.conftest import SettingsFactory, in_ci
from tests.support.servers import free_port, serve_in_thread

CHROMIUM = os.environ.get("PORTAL_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}

PHONE = {"width": 390, "height": 844}
WECOM_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 wxwork/4.1.22 MicroMessenger/7.0.1 Language/zh"
)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(f"SKIPPING BROWSER TESTS: {message}")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        await chromium.close()


@pytest.fixture
def live_url(make_settings: SettingsFactory, sqlite_url: str, clock: FrozenClock) -> Iterator[str]:
    port = free_port()
    settings = make_settings(sqlite_url, PORTAL_BASE_URL=f"http://127.0.0.1:{port}")
    with serve_in_thread(create_app(settings, clock=clock), port=port) as url:
        yield url


@pytest.fixture
async def portal_db(sqlite_url: str) -> AsyncIterator[Database]:
    """The database a portal served on loopback uses, for seeding and checking."""
    db = Database(sqlite_url)
    await db.connect()
    yield db
    await db.disconnect()


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 15) -> None:
    """Wait for `check` to hold (the portal and the sandboxes work in other threads)."""
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


class PageProblems:
    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def page_error(self, error: Error) -> None:
        self.console_errors.append(str(error))

    def request(self, request: Request) -> None:
        url = urlsplit(request.url)
        if url.hostname not in LOCAL_HOSTS and url.scheme in {"http", "https", "ws", "wss"}:
            self.foreign_requests.append(request.url)


PageFactory = Callable[..., Awaitable[Page]]


@pytest.fixture
async def page_factory(browser: Browser) -> AsyncIterator[PageFactory]:
    contexts: list[BrowserContext] = []
    problems = PageProblems()

    async def open_page(**context_options: Any) -> Page:
        context = await browser.new_context(**context_options)
        contexts.append(context)
        page = await context.new_page()
        page.on("console", problems.console)
        page.on("pageerror", problems.page_error)
        page.on("request", problems.request)
        return page

    yield open_page
    for context in contexts:
        await context.close()
    assert problems.console_errors == [], "console errors in the browser"
    assert problems.foreign_requests == [], "requests left localhost"


async def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path
