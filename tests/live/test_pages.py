"""The board and interview pages carry their live connection (the real pages and routes)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from portal.db import live_events
from portal.db.database import Database
from portal.wecom import sandbox
from tests.conftest import Auth
from tests.factories import add_interview
from tests.support.html import attr, one, soup
from tests.support.when import NOW

EN = {"Accept-Language": "en"}


def anchor_of(html: str, selector: str = ".live-anchor") -> dict[str, str]:
    element = one(soup(html), selector)
    return {name: attr(element, name) for name in element.attrs}


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
    refresher = one(soup(page), "[hx-trigger^=live-missing]")
    assert attr(refresher, "hx-target") == "#board"


async def test_interviewer_page_connects_to_its_interview_stream(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as(sandbox.DEMO_INTERVIEWER_USERID)
    booked = await add_interview(db, panel=[sandbox.DEMO_INTERVIEWER_USERID])
    interview_id = booked.interview_id
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
    await live_events.append(db, interview_id=1, kind="status", at=NOW)  # the clock stands at NOW
    page = await client.get("/board", headers=EN)
    url = urlsplit(anchor_of(page.text, "#board-live")["sse-connect"])
    assert parse_qs(url.query)["after"] == ["0"]
