"""`create_app(settings)`: the only place that wires middleware, routes and the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import BaseRoute, Mount

from portal.clock import SYSTEM_CLOCK, Clock
from portal.i18n import Catalogs
from portal.periodic import run_jobs
from portal.settings import Settings
from portal.web import (
    auth,
    home,
    interviews,
    live,
    mine,
    notifications,
    people,
    records,
    rooms,
    share,
    wecom_events,
)
from portal.web.core.assets import Assets, build_assets, static_app
from portal.web.core.errors import EXCEPTION_HANDLERS
from portal.web.core.middleware import RequestLogMiddleware, SecurityHeadersMiddleware
from portal.web.core.routing import Area
from portal.web.core.slowloris import BodyDeadline
from portal.web.core.state import AppState
from portal.web.core.templating import STATIC_DIR, build_templates
from portal.wiring import Sandboxes, build_sandboxes, open_state, worker_jobs

SESSION_COOKIE = "portal_session"
GZIP_MINIMUM = 500  # bytes: below this a response fits one packet anyway


def build_routes(settings: Settings, sandboxes: Sandboxes, assets: Assets) -> list[BaseRoute]:
    """Each area of the portal mounted under its name (`url_for("interviews:board")`)."""
    routes: list[BaseRoute] = [
        Area("home", home.routes),
        Area("auth", auth.routes),
        Area("interviews", interviews.routes),
        Area("mine", mine.routes),
        Area("share", share.routes),
        Area("people", people.routes),
        Area("records", records.routes),
        Area("notifications", notifications.routes),
        Area("live", live.routes),
        Area("wecom_events", wecom_events.routes),
        Area("rooms", rooms.routes),
        Mount("/static", app=static_app(assets), name="static"),
    ]
    if settings.sandbox_mount and sandboxes.wecom is not None:
        routes.append(Mount(settings.sandbox_mount, app=sandboxes.wecom, name="sandbox"))
    if settings.platform_mount and sandboxes.platform is not None:
        routes.append(Mount(settings.platform_mount, app=sandboxes.platform, name="platform"))
    if settings.mail_mount and sandboxes.mail is not None:
        routes.append(Mount(settings.mail_mount, app=sandboxes.mail))  # its routes are "mail:…"
    return routes


def create_app(
    settings: Settings, *, run_worker: bool = False, clock: Clock = SYSTEM_CLOCK
) -> Starlette:
    """Build the ASGI app; nothing connects until the lifespan starts.

    `run_worker` runs the background jobs in this process (`portal serve` without
    `--no-worker`, and the demo). `clock` is the portal's one clock; tests pass a frozen one.
    """
    catalogs = Catalogs()
    assets = build_assets(STATIC_DIR)
    templates = build_templates(static=assets.url)
    sandboxes = build_sandboxes(settings, clock)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[AppState]:
        async with open_state(settings, templates, catalogs, sandboxes, clock) as state:
            stop = asyncio.Event()
            jobs = asyncio.create_task(run_jobs(worker_jobs(state), stop)) if run_worker else None
            try:
                yield state
            finally:
                stop.set()
                if jobs is not None:
                    await jobs

    middleware = [
        Middleware(BodyDeadline, timeout=settings.body_timeout),  # outermost: sees every read
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
        # Pages and htmx partials; static files come pre-compressed, and Starlette never
        # compresses (or buffers) text/event-stream, so the live stream flows as before.
        Middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM, compresslevel=6),
    ]
    app = Starlette(
        debug=False,  # never a traceback to the user, even in the demo
        routes=build_routes(settings, sandboxes, assets),
        middleware=middleware,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.link_failures = share.pages.link_failure_limit()  # per app: tests stay apart
    return app
