"""`create_app(settings)`: the only place that wires middleware, routes and the lifespan."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from portal.db.database import Database, DatabaseUnavailable
from portal.db.urls import redacted
from portal.i18n import Catalogs
from portal.settings import Settings
from portal.web import health, home
from portal.web.errors import EXCEPTION_HANDLERS
from portal.web.middleware import RequestLogMiddleware, SecurityHeadersMiddleware
from portal.web.state import AppState
from portal.web.templating import STATIC_DIR, build_templates

log = logging.getLogger(__name__)

SESSION_COOKIE = "portal_session"
HTTP_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def build_routes(settings: Settings) -> list[BaseRoute]:
    routes: list[BaseRoute] = [
        *home.routes,
        *health.routes,
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    if settings.sandbox_mount:
        from portal.wecom.sandbox import SandboxConfig, create_sandbox_app

        sandbox = create_sandbox_app(
            SandboxConfig.demo(callback_url=settings.url("/wecom/callback"))
        )
        routes.append(Mount(settings.sandbox_mount, app=sandbox, name="sandbox"))
    return routes


def create_app(settings: Settings) -> Starlette:
    """Build the ASGI app; nothing connects until the lifespan starts."""
    catalogs = Catalogs()
    templates = build_templates()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[AppState]:
        db = Database(settings.database_url)
        try:
            await db.connect()
        except DatabaseUnavailable as exc:
            # Keep serving: /healthz reports 503 and the pool reconnects when it is back.
            log.warning("database %s unreachable at start: %s", redacted(db.url), exc)
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as http:
            try:
                yield AppState(
                    settings=settings, db=db, templates=templates, catalogs=catalogs, http=http
                )
            finally:
                await db.disconnect()

    middleware = [
        Middleware(RequestLogMiddleware),
        Middleware(SecurityHeadersMiddleware, https=settings.https),
        Middleware(
            SessionMiddleware,
            secret_key=str(settings.secret_key),
            session_cookie=SESSION_COOKIE,
            max_age=settings.session_idle_seconds,
            same_site="lax",
            https_only=settings.https,
        ),
    ]
    return Starlette(
        debug=False,  # never a traceback to the user, even in the demo
        routes=build_routes(settings),
        middleware=middleware,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
