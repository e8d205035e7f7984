"""The fragments the live stream swaps by id, rendered for one viewer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest
from starlette.applications import Starlette
from starlette.requests import Request

from portal.clock import FrozenClock
from portal.i18n import Catalogs
from portal.interviews import service
from portal.settings import Settings
from portal.web.core.templating import build_templates
from portal.web.interviews.board import render_board_row, render_status_fragment
from portal.wiring import open_state
from tests.factories import World, add_feedback
from tests.support.html import attr, one, soup
from tests.support.when import NOW

RequestFor = Callable[..., Request]
"""A request to the live stream as the signed-in person with this id sends it (`query`: the
stream URL's query string)."""


@pytest.fixture
async def request_for(
    app: Starlette, settings: Settings, clock: FrozenClock
) -> AsyncIterator[RequestFor]:
    async with open_state(settings, build_templates(), Catalogs(), clock=clock) as state:

        def build(person_id: int, query: bytes = b"") -> Request:
            now = int(clock.timestamp())
            scope = {
                "type": "http",
                "method": "GET",
                "path": "/live",
                "raw_path": b"/live",
                "query_string": query,
                "headers": [(b"accept-language", b"en")],
                "app": app,
                "router": app.router,
                "state": state,
                "scheme": "http",
                "server": ("testserver", 80),
                "root_path": "",
                # A fresh sign-in, as `access.sign_in` writes it (epoch 0: never signed out).
                "session": {"person_id": person_id, "epoch": 0, "since": now, "seen": now},
            }
            return Request(scope)

        yield build


async def test_board_row_for_hr_today_only(request_for: RequestFor, world: World) -> None:
    today = await service.create(
        world.db,
        world.hub,
        world.draft(NOW + timedelta(hours=2)),
        actor=world.hr("liuyang"),
        now=NOW,
    )
    tomorrow = await service.create(
        world.db,
        world.hub,
        world.draft(NOW + timedelta(days=1), panel=("sunhao",)),
        actor=world.hr("liuyang"),
        now=NOW,
    )
    html = await render_board_row(request_for(world["liuyang"].id), today.id)
    assert html is not None
    row = one(soup(html), "tr")
    assert row["id"] == f"interview-{today.id}"
    assert one(row, ".badge").get_text() == "Scheduled"
    assert one(soup(html), "#board-counts .status-scheduled strong").get_text() == "1"
    gone = await render_board_row(request_for(world["liuyang"].id), tomorrow.id)
    assert gone is not None  # not on today's board: its row (if any) goes
    marker = one(soup(gone), f"#interview-{tomorrow.id}")
    assert attr(marker, "hx-swap-oob") == "delete" and marker.has_attr("data-live-gone")
    assert await render_board_row(request_for(world["lina"].id), today.id) is None


async def test_status_fragment_follows_who_may_see(request_for: RequestFor, world: World) -> None:
    detail = await service.create(
        world.db,
        world.hub,
        world.draft(NOW + timedelta(minutes=10)),
        actor=world.hr("liuyang"),
        now=NOW,
    )
    mine = await render_status_fragment(request_for(world["lina"].id), detail.id)
    assert mine is not None
    panel = one(soup(mine), f"#interview-status-{detail.id}")
    assert attr(one(panel, "form"), "action").startswith("/mine/")
    hr = await render_status_fragment(request_for(world["liuyang"].id), detail.id)
    assert hr is not None and f'action="/interviews/{detail.id}/status"' in hr
    assert await render_status_fragment(request_for(world["sunhao"].id), detail.id) is None
    assert await render_status_fragment(request_for(world["liuyang"].id), 9999) is None


async def test_hr_page_sections_follow_replies_feedback_panel_and_history(
    request_for: RequestFor, world: World
) -> None:
    detail = await service.create(
        world.db,
        world.hub,
        world.draft(NOW + timedelta(hours=2)),
        actor=world.hr("liuyang"),
        now=NOW,
    )
    await service.respond(
        world.db,
        world.hub,
        interview_id=detail.id,
        actor=world.interviewer("lina"),
        accept=True,
        reason=None,
        now=NOW,
    )
    await add_feedback(world.db, detail.id, "zhangwei")
    html = await render_status_fragment(request_for(world["liuyang"].id, b"view=hr"), detail.id)
    assert html is not None
    page = soup(html)
    for section in ("status", "head", "facts", "replies", "feedback", "history"):
        element = one(page, f"#interview-{section}-{detail.id}")
        assert attr(element, "hx-swap-oob") == "true", section
    reply = one(page, f"#interview-replies-{detail.id} #reply-{world['lina'].id} .badge")
    assert reply.get_text() == "Accepted"
    assert "Clear about trade-offs." in one(page, f"#interview-feedback-{detail.id}").get_text()
    assert "Accepted the invitation" in one(page, f"#interview-history-{detail.id}").get_text()


async def test_interviewer_page_sections_follow_time_and_panel(
    request_for: RequestFor, world: World
) -> None:
    detail = await service.create(
        world.db,
        world.hub,
        world.draft(NOW + timedelta(hours=2)),
        actor=world.hr("liuyang"),
        now=NOW,
    )
    html = await render_status_fragment(request_for(world["lina"].id), detail.id)
    assert html is not None
    facts = one(soup(html), f"#mine-facts-{detail.id}")
    assert attr(facts, "hx-swap-oob") == "true"
    assert "Zhang Wei" in facts.get_text()
    assert soup(html).select(f"#interview-replies-{detail.id}") == []
