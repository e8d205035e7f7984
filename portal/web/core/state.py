"""What the lifespan shares with every request (typed, instead of module-level singletons)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict, cast

import httpx
from starlette.requests import HTTPConnection
from starlette.templating import Jinja2Templates

from portal.clock import Clock
from portal.db.database import Database
from portal.directory.service import RoleSources
from portal.i18n import Catalogs
from portal.live import Broadcaster
from portal.platform import PlatformClient
from portal.rooms.papers import PaperShelf
from portal.settings import Settings
from portal.wecom import WeComClient


class AppState(TypedDict):
    settings: Settings
    db: Database
    templates: Jinja2Templates
    catalogs: Catalogs
    http: httpx.AsyncClient
    wecom: WeComClient
    role_sources: RoleSources
    broadcaster: Broadcaster
    clock: Clock
    platform: PlatformClient | None  # None: no interview platform; rooms are HR's links
    papers: PaperShelf | None  # the platform's question bank, for the interview form


def request_cache(conn: HTTPConnection) -> dict[str, Any]:
    """Values computed once per request (the signed-in person, the language).

    Kept in the ASGI scope, which is per request; `request.state` may be the lifespan's
    shared dict under some servers, so nothing per-request may live there.
    """
    cache: dict[str, Any] = conn.scope.setdefault("portal.request_cache", {})
    return cache


def app_state(conn: HTTPConnection) -> AppState:
    """The lifespan's shared services, typed."""
    return cast(AppState, conn.scope["state"])


def current_time(conn: HTTPConnection) -> datetime:
    """This request's "now", from the portal's one clock."""
    return app_state(conn)["clock"].now()
