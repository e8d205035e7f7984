"""Live status across two `portal serve` processes on one PostgreSQL: a change made through
one instance reaches the other's viewers, and the viewers of an instance that dies resume on
the other without missing or repeating an event."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

import httpx
import pytest
from playwright.async_api import Page, expect

from portal.clock import SYSTEM_CLOCK
from portal.db.database import Database
from portal.wecom import sandbox as demo
from tests.browser.conftest import PageFactory
from tests.cluster.failover import FailoverStream, until
from tests.cluster.nodes import Cluster
from tests.conftest import Auth
from tests.factories import add_interview
from tests.support.sandbox import SandboxControl
from tests.support.when import local_day

pytestmark = pytest.mark.slow

HR = demo.DEMO_HR_USERID


async def seed(db: Database, count: int) -> tuple[list[int], str]:
    """`count` interviews two days from now (the processes' clock), and that board day."""
    now = SYSTEM_CLOCK.now()
    starts_at = (now + timedelta(days=2)).replace(second=0, microsecond=0)
    ids = []
    for n in range(count):
        start = starts_at + timedelta(hours=n)
        ids.append((await add_interview(db, starts_at=start, now=now)).interview_id)
    return ids, local_day(starts_at).isoformat()


async def confirm(http: httpx.AsyncClient, base_url: str, interview_id: int, csrf: str) -> None:
    """HR marks the interview confirmed through the instance at `base_url`."""
    form = {"target": "confirmed", "csrf_token": csrf}
    response = await http.post(f"{base_url}/interviews/{interview_id}/status", data=form)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/interviews/{interview_id}", "not done as HR"


async def sign_in(page: Page, base_url: str, userid: str) -> None:
    """The web login through one instance: its sign-in page, WeCom's screen, the callback."""
    await page.goto(base_url + "/login")
    link = page.get_by_role("link", name="Sign in with WeCom")
    if await link.count():
        await link.click()
    await page.locator(f"button.member[value={userid}]").click()
    await page.wait_for_url(base_url + "/")


@pytest.mark.browser
async def test_cluster_change_through_one_instance_updates_board_open_on_other(
    cluster: Cluster, pg: Database, page_factory: PageFactory
) -> None:
    a, b = cluster.serve("web-a", "web-b")
    [interview_id], day = await seed(pg, 1)
    board = await page_factory(locale="en-US", viewport={"width": 1280, "height": 800})
    await sign_in(board, a.url, HR)

    # The session cookie A signed is good on B (one secret): B serves HR's board.
    await board.goto(f"{b.url}/board?day={day}")
    assert board.url == f"{b.url}/board?day={day}"
    await expect(board.locator("#board-live")).to_have_attribute("data-live-state", "open")
    badge = board.locator(f"#interview-{interview_id} .badge").first
    await expect(badge).to_have_text("Scheduled")
    await board.evaluate("window.portalNotReloaded = true")

    # The same HR confirms it on A's page (a form post with the session's CSRF token).
    detail = await board.context.new_page()
    await detail.goto(f"{a.url}/interviews/{interview_id}")
    await detail.get_by_role("button", name="Mark as confirmed by the candidate").click()
    await expect(detail.locator(f"#interview-status-{interview_id} .badge")).to_have_text(
        "Confirmed"
    )

    await expect(badge).to_have_text("Confirmed", timeout=15_000)
    assert await board.evaluate("window.portalNotReloaded === true"), "the board reloaded"


async def test_cluster_killed_instance_clients_resume_on_other_without_gap_or_repeat(
    cluster: Cluster, pg: Database, sandbox: SandboxControl
) -> None:
    a, b = cluster.serve("web-a", "web-b")
    interviews, day = await seed(pg, 5)
    async with httpx.AsyncClient(base_url=a.url) as http:
        auth = Auth(http, sandbox)
        await auth.login_as(HR)
        csrf = await auth.csrf_token()
        # The cookie jar holds A's session for 127.0.0.1, so B sees the same signed-in HR.
        stream = FailoverStream(http, [a.url, b.url], f"/live/board?day={day}")
        reader = asyncio.create_task(stream.run())
        try:
            await until(lambda: bool(stream.connections) and stream.connections[0].subscribed, "A")
            await confirm(http, b.url, interviews[0], csrf)
            await until(lambda: len(stream.events) == 1, "the first event, through A")

            a.kill()
            await until(lambda: stream.connections[0].ended, "A's stream to break")
            for interview_id in interviews[1:3]:  # while the client is away
                await confirm(http, b.url, interview_id, csrf)
            stream.resume.set()
            await until(lambda: len(stream.connections) == 2, "a reconnect")
            await until(lambda: stream.connections[1].subscribed, "B's stream")
            for interview_id in interviews[3:]:  # once it is back, on B
                await confirm(http, b.url, interview_id, csrf)
            # The stream is in order: once the last change is in, a repeat would be too.
            last = f'id="interview-{interviews[-1]}"'
            await until(lambda: any(last in event.data for event in stream.events), "the last")
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    first = stream.events[0].id
    assert first is not None
    assert [event.id for event in stream.events] == list(range(first, first + 5))
    assert [event.source for event in stream.events] == [a.url] + [b.url] * 4
    for event, interview_id in zip(stream.events, interviews, strict=True):
        assert event.name == "interview-updated"
        assert f'id="interview-{interview_id}"' in event.data
        assert "data-live-gone" not in event.data, "the board's day shows the row"
    assert stream.connections[0].error is not None, "A's stream broke, it did not end"
    assert stream.connections[1].last_event_id == first
