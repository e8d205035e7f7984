"""The app (on the suite's frozen `clock`) with the live routes rendering stand-in fragments,
so these tests do not depend on the scheduling pages' markup; `served` runs its lifespan and
exposes the shared state. Seed data comes from `tests.factories`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import cast

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from starlette.types import ASGIApp

from portal.app import create_app
from portal.clock import FrozenClock
from portal.settings import Settings
from portal.web.core.state import AppState
from portal.web.live import stream
from tests.conftest import Auth
from tests.live.support import EventStream, board_row, status_fragment
from tests.support.sandbox import SandboxControl


@pytest.fixture
def app(settings: Settings, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> Starlette:
    stand_ins = stream.Fragments(board_row=board_row, interview_status=status_fragment)
    monkeypatch.setattr(stream, "FRAGMENTS", stand_ins)
    return create_app(settings, clock=clock)


@dataclass
class Served:
    asgi: ASGIApp
    client: httpx.AsyncClient
    state: AppState
    auth: Auth

    def stream(self, path: str, **headers: str) -> EventStream:
        """An SSE request from this client's session (its cookies), not yet opened."""
        cookie = "; ".join(f"{name}={value}" for name, value in self.client.cookies.items())
        base = {"accept": "text/event-stream", "accept-language": "en", "cookie": cookie}
        return EventStream(self.asgi, path, base | headers)


@pytest.fixture
async def served(app: Starlette, sandbox: SandboxControl) -> AsyncIterator[Served]:
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            # The lifespan's shared state, as every request sees it.
            state = cast(AppState, manager._state)
            yield Served(manager.app, client, state, Auth(client, sandbox))
