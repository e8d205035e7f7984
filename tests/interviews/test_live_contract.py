"""The fragments the live stream swaps by id, rendered for one viewer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from starlette.applications import Starlette
from starlette.requests import Request

from portal.i18n import Catalogs
from portal.interviews import service
from portal.services import open_state
from portal.settings import Settings
from portal.web.interviews import render_board_row, render_status_fragment
from portal.web.templating import build_templates
from tests.interviews.support import NOW, World


@pytest.fixture
async def request_for(app: Starlette, settings: Settings) -> AsyncIterator[object]:
    async with open_state(settings, build_templates(), Catalogs()) as state:

        def build(person_id: int) -> Request:
            scope = {
                "type": "http",
                "method": "GET",
                "path": "/live",
                "raw_path": b"/live",
                "query_string": b"",
                "headers": [(b"accept-language", b"en")],
                "app": app,
                "router": app.router,
                "state": state,
                "scheme": "http",
                "server": ("testserver", 80),
                "root_path": "",
                "session": {"person_id": person_id},
            }
            return Request(scope)

        yield build


async def test_board_row_for_hr_today_only(request_for, world: World, frozen: object) -> None:  # type: ignore[no-untyped-def]
    today = await service.create(
        world.db, world.hub, world.draft(NOW + timedelta(hours=2)), actor=world["liuyang"], now=NOW
    )
    tomorrow = await service.create(
        world.db,
        world.hub,
        world.draft(NOW + timedelta(days=1), panel=("sunhao",)),
        actor=world["liuyang"],
        now=NOW,
    )
    html = await render_board_row(request_for(world["liuyang"].id), today.id)
    row = BeautifulSoup(html or "", "html.parser").select_one("tr")
    assert row is not None and row["id"] == f"interview-{today.id}"
    assert row.select_one(".badge").get_text() == "Scheduled"
    assert await render_board_row(request_for(world["liuyang"].id), tomorrow.id) is None
    assert await render_board_row(request_for(world["lina"].id), today.id) is None


async def test_status_fragment_follows_who_may_see(
    request_for, world: World, frozen: object
) -> None:  # type: ignore[no-untyped-def]
    detail = await service.create(
        world.db,
        world.hub,
        world.draft(NOW + timedelta(minutes=10)),
        actor=world["liuyang"],
        now=NOW,
    )
    mine = await render_status_fragment(request_for(world["lina"].id), detail.id)
    panel = BeautifulSoup(mine or "", "html.parser").select_one(f"#interview-status-{detail.id}")
    assert panel is not None and panel.select_one("form")["action"].startswith("/mine/")
    hr = await render_status_fragment(request_for(world["liuyang"].id), detail.id)
    assert f'action="/interviews/{detail.id}/status"' in (hr or "")
    assert await render_status_fragment(request_for(world["sunhao"].id), detail.id) is None
    assert await render_status_fragment(request_for(world["liuyang"].id), 9999) is None
