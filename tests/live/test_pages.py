"""The board and interview pages carry their live connection (the real pages and routes)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
from bs4 import BeautifulSoup

from portal.db import live_events
from portal.db.database import Database
from portal.scheduling import today_range
from portal.wecom import sandbox
from tests.conftest import Auth
from tests.live.support import add_interview, person_id

EN = {"Accept-Language": "en"}


def anchor_of(html: str, selector: str = ".live-anchor") -> dict[str, str]:
    element = BeautifulSoup(html, "html.parser").select_one(selector)
    assert element is not None, f"no {selector}"
    return {name: str(value) for name, value in element.attrs.items()}


async def test_board_page_connects_to_board_stream(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as(sandbox.DEMO_HR_USERID)
    page = await client.get("/board", headers=EN)
    assert page.status_code == 200
    anchor = anchor_of(page.text, "#board-live")
    assert anchor["hx-ext"] == "sse"
    url = urlsplit(anchor["sse-connect"])
    assert url.path == "/live/board"
    assert parse_qs(url.query)["after"] == ["0"]
    assert anchor["sse-swap"] == "interview-updated"
    assert anchor["hx-swap"] == "none"
    assert anchor["sse-close"] == "live-reset"
    refresher = BeautifulSoup(page.text, "html.parser").select_one("[hx-trigger^=live-missing]")
    assert refresher is not None and refresher["hx-target"] == "#board"


async def test_interviewer_page_connects_to_its_interview_stream(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as(sandbox.DEMO_INTERVIEWER_USERID)
    today = today_range(datetime.now(UTC), "Asia/Shanghai")
    panel = (await person_id(db, sandbox.DEMO_INTERVIEWER_USERID),)
    interview_id = await add_interview(db, panel=panel, starts_at=today.start, ends_at=today.end)
    page = await client.get(f"/mine/{interview_id}", headers=EN)
    assert page.status_code == 200
    anchor = anchor_of(page.text)
    assert anchor["id"] == f"interview-live-{interview_id}"
    assert anchor["sse-connect"] == f"/live/interviews/{interview_id}?after=0"


async def test_page_resumes_just_before_it_was_rendered(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    """A change recorded moments before the render is replayed on connect, not assumed seen."""
    await auth.login_as(sandbox.DEMO_HR_USERID)
    await live_events.append(db, interview_id=1, kind="status", at=datetime.now(UTC))
    page = await client.get("/board", headers=EN)
    url = urlsplit(anchor_of(page.text, "#board-live")["sse-connect"])
    assert parse_qs(url.query)["after"] == ["0"]
