"""The database down (issue 14, item 9): a 503 page, a /healthz that never raises, bounded waits.

Two outages: a closed port (refused at once) and a server that accepts connections and never
answers (every wait must be bounded by the settings, not by the driver's defaults).
"""

from __future__ import annotations

import asyncio
import json
import time
from base64 import b64encode
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from asgi_lifespan import LifespanManager
from itsdangerous import TimestampSigner

from portal.app import SESSION_COOKIE, create_app
from portal.clock import FrozenClock
from portal.settings import Settings, SettingsError
from tests.conftest import SettingsFactory
from tests.support.html import attr, one, soup, text
from tests.support.keys import TEST_SECRET_KEY

CLOSED_PORT_URL = "postgresql://root@127.0.0.1:9/nothing"
UNREACHABLE = "A service the portal needs is not reachable right now. Try again shortly."
UNREACHABLE_ZH = "门户依赖的服务暂时无法访问，请稍后重试。"


def signed_in_cookie() -> str:
    """A session cookie as Starlette's SessionMiddleware signs it, for person 1."""
    data = b64encode(json.dumps({"person_id": 1}).encode())
    return TimestampSigner(TEST_SECRET_KEY).sign(data).decode()


@asynccontextmanager
async def silent_database() -> AsyncIterator[str]:
    """A TCP server that accepts connections and never says a word; yields its PostgreSQL URL."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"postgresql://root@127.0.0.1:{port}/silent"
    finally:
        for writer in held:
            writer.close()
        server.close()


@asynccontextmanager
async def portal(settings: Settings, clock: FrozenClock) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, clock=clock)
    async with LifespanManager(app, startup_timeout=30) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def test_page_database_down_answers_503_in_the_users_language(
    make_settings: SettingsFactory, clock: FrozenClock
) -> None:
    async with portal(make_settings(CLOSED_PORT_URL), clock) as http:
        http.cookies.set(SESSION_COOKIE, signed_in_cookie())
        english = await http.get("/board?day=2026-12-01", headers={"Accept-Language": "en"})
        chinese = await http.get("/board", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert english.status_code == 503
    assert english.headers["Retry-After"].isdigit()
    assert text(soup(english), "h1") == UNREACHABLE
    # The advice: try this same page again.
    assert attr(one(soup(english), "a.button"), "href") == "/board?day=2026-12-01"
    assert chinese.status_code == 503
    assert text(soup(chinese), "h1") == UNREACHABLE_ZH
    assert "content-security-policy" in english.headers


async def test_page_database_down_htmx_gets_the_inline_503(
    make_settings: SettingsFactory, clock: FrozenClock
) -> None:
    async with portal(make_settings(CLOSED_PORT_URL), clock) as http:
        http.cookies.set(SESSION_COOKIE, signed_in_cookie())
        response = await http.get("/board", headers={"HX-Request": "true", "Accept-Language": "en"})
    assert response.status_code == 503
    assert UNREACHABLE in response.text
    assert response.headers["HX-Retarget"] == "#flash"


async def test_healthz_with_a_session_cookie_database_down_answers_503(
    make_settings: SettingsFactory, clock: FrozenClock
) -> None:
    async with portal(make_settings(CLOSED_PORT_URL), clock) as http:
        http.cookies.set(SESSION_COOKIE, signed_in_cookie())
        response = await http.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "unreachable"}


async def test_silent_database_bounds_start_up_healthz_and_pages(
    make_settings: SettingsFactory, clock: FrozenClock
) -> None:
    async with silent_database() as url:
        settings = make_settings(url, PORTAL_DB_CONNECT_TIMEOUT="1.5")
        started = time.monotonic()
        async with portal(settings, clock) as http:
            start_up = time.monotonic() - started
            before = time.monotonic()
            health = await http.get("/healthz")
            health_took = time.monotonic() - before
            http.cookies.set(SESSION_COOKIE, signed_in_cookie())
            before = time.monotonic()
            page = await http.get("/board")
            page_took = time.monotonic() - before
    assert start_up < 4.5  # the pool and the live listener: one connect timeout each
    assert health.status_code == 503
    assert health_took < 1.0
    assert page.status_code == 503
    assert page_took < 2.5


def test_database_timeouts_refuse_nonsense(make_settings: SettingsFactory) -> None:
    for value in ("0", "-1", "nan", "soon", "601"):
        with pytest.raises(SettingsError, match="PORTAL_DB_QUERY_TIMEOUT"):
            make_settings(CLOSED_PORT_URL, PORTAL_DB_QUERY_TIMEOUT=value)


def test_database_timeouts_come_from_settings(make_settings: SettingsFactory) -> None:
    settings = make_settings(
        CLOSED_PORT_URL, PORTAL_DB_CONNECT_TIMEOUT="0.5", PORTAL_DB_QUERY_TIMEOUT="4"
    )
    assert (settings.db_connect_timeout, settings.db_query_timeout) == (0.5, 4.0)
