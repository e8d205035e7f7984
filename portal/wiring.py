"""The services one process shares (database, HTTP, WeCom client), opened and closed once.

`portal serve`'s lifespan and `portal worker` both use `open_state`, so a background job
runs against exactly what a request sees.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
from starlette.routing import Mount, Router
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp

from portal.clock import SYSTEM_CLOCK, Clock
from portal.db.database import Database, DatabaseUnavailable
from portal.db.tokens import DatabaseTokenStore
from portal.db.urls import redacted
from portal.demo_data import seed_demo
from portal.directory.service import RoleSources
from portal.directory.sync import sync_if_due
from portal.i18n import Catalogs
from portal.live import open_broadcaster, prune_feed
from portal.notifications.jobs import notification_jobs
from portal.ops import metrics
from portal.periodic import Job
from portal.platform import ApiKeyAuth, PlatformClient
from portal.rooms.jobs import room_jobs
from portal.rooms.papers import PaperShelf
from portal.settings import Settings
from portal.web.core.state import AppState
from portal.wecom import WeComClient
from portal.wecom.client import install_log_redaction

log = logging.getLogger(__name__)

HTTP_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


@dataclass(frozen=True)
class Sandboxes:
    """The demo's stand-ins for WeCom and the interview platform, mounted in the portal."""

    wecom: ASGIApp | None = None
    platform: ASGIApp | None = None
    mail: ASGIApp | None = None  # the demo's mailbox page (its SMTP server runs alongside)


NO_SANDBOXES = Sandboxes()


def build_sandboxes(settings: Settings, clock: Clock = SYSTEM_CLOCK) -> Sandboxes:
    """The demo's sandboxes, on the portal's clock; none outside the demo."""
    wecom = platform = None
    if settings.sandbox_mount:
        from portal.wecom.sandbox import SandboxConfig, create_sandbox_app

        config = SandboxConfig(callback_url=settings.url("/wecom/callback"))
        wecom = create_sandbox_app(config, clock=clock.timestamp)
    if settings.platform_mount:
        from portal.platform.sandbox import PlatformSandboxConfig, create_platform_sandbox

        rooms = PlatformSandboxConfig(webhook_url=settings.url("/platform/webhook"))
        platform = create_platform_sandbox(rooms, clock=clock.timestamp)
    mail = None
    if settings.mail_mount and settings.mail is not None:
        from portal.notifications.mailbox import Mailbox, create_mailbox_app, start_server

        mailbox = Mailbox()
        start_server(mailbox, host=settings.mail.host, port=settings.mail.port)
        mail = create_mailbox_app(mailbox)
    return Sandboxes(wecom, platform, mail)


def sandbox_http(mount: str | None, sandbox: ASGIApp | None) -> httpx.AsyncClient:
    """The HTTP client for one outside service's API.

    In the demo the calls go in-process to the mounted sandbox, so the portal never calls
    itself over the network (and can sync contacts before its own server is listening).
    """
    if sandbox is None or not mount:
        return httpx.AsyncClient(timeout=HTTP_TIMEOUT)
    router = Router(routes=[Mount(mount, app=sandbox)])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=router), timeout=HTTP_TIMEOUT)


def build_platform_client(settings: Settings, http: httpx.AsyncClient) -> PlatformClient | None:
    """The interview platform's client, or None when no platform is configured."""
    if settings.platform is None:
        return None
    return PlatformClient(
        http,
        auth=ApiKeyAuth(str(settings.platform.api_key)),
        api_base=settings.platform.api_base,
    )


def build_wecom_client(
    settings: Settings, http: httpx.AsyncClient, db: Database, clock: Clock = SYSTEM_CLOCK
) -> WeComClient:
    """One client per process; its token lives in the database so every process shares it."""
    install_log_redaction()  # httpx logs request URLs, which carry the access token
    return WeComClient(
        http,
        corp_id=settings.wecom.corp_id,
        corp_secret=str(settings.wecom.secret),
        agent_id=settings.wecom.agent_id,
        token_store=DatabaseTokenStore(db, clock=clock.timestamp),
        api_base=settings.wecom.api_base,
        oauth_base=settings.wecom.oauth_base,
        web_login_base=settings.wecom.web_login_base,
        clock=clock.timestamp,
        on_call=metrics.wecom_call,
    )


def role_sources(settings: Settings) -> RoleSources:
    return RoleSources(
        admins=settings.admins, hr_departments=settings.hr_departments, hr_tags=settings.hr_tags
    )


def worker_jobs(state: AppState) -> list[Job]:
    db, wecom, sources = state["db"], state["wecom"], state["role_sources"]
    settings, clock = state["settings"], state["clock"]

    async def sync_then_seed_demo() -> None:
        # The demo books its sample week once the demo organisation has been synced.
        await sync_if_due(db, wecom, sources, now=clock.now())
        if settings.demo:
            rooms, mail = settings.platform is not None, settings.mail is not None
            await seed_demo(db, clock.now(), zone=settings.timezone, rooms=rooms, mail=mail)

    platform = state["platform"]
    rooms = (
        [] if platform is None else room_jobs(db, platform, state["broadcaster"], settings, clock)
    )
    return [
        Job("contacts-sync", sync_then_seed_demo, interval=600),
        Job("live-feed-prune", lambda: prune_feed(db, now=clock.now()), interval=3600),
        *notification_jobs(db, wecom, state["catalogs"], settings, sources, clock),
        *rooms,
    ]


@contextlib.asynccontextmanager
async def open_state(
    settings: Settings,
    templates: Jinja2Templates,
    catalogs: Catalogs,
    sandboxes: Sandboxes = NO_SANDBOXES,
    clock: Clock = SYSTEM_CLOCK,
) -> AsyncIterator[AppState]:
    db = Database(
        settings.database_url,
        connect_timeout=settings.db_connect_timeout,
        query_timeout=settings.db_query_timeout,
    )
    try:
        await db.connect()
    except DatabaseUnavailable as exc:
        # Keep serving: /healthz reports 503 and the pool reconnects when it is back.
        log.warning("database %s unreachable at start: %s", redacted(db.url), exc)
    try:
        async with (
            sandbox_http(settings.sandbox_mount, sandboxes.wecom) as http,
            sandbox_http(settings.platform_mount, sandboxes.platform) as platform_http,
            open_broadcaster(db, clock) as broadcaster,
        ):
            platform = build_platform_client(settings, platform_http)
            yield AppState(
                settings=settings,
                db=db,
                templates=templates,
                catalogs=catalogs,
                http=http,
                wecom=build_wecom_client(settings, http, db, clock),
                role_sources=role_sources(settings),
                broadcaster=broadcaster,
                clock=clock,
                platform=platform,
                papers=None if platform is None else PaperShelf(platform, clock.timestamp),
            )
    finally:
        await db.disconnect()
