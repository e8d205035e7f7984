from __future__ import annotations

import httpx
from asgi_lifespan import LifespanManager

from portal.app import create_app
from portal.clock import FrozenClock
from tests.conftest import SettingsFactory


async def test_healthz_database_up_answers_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_healthz_database_closed_port_answers_503(
    make_settings: SettingsFactory, clock: FrozenClock
) -> None:
    settings = make_settings("postgresql://root@127.0.0.1:9/nothing")
    app = create_app(settings, clock=clock)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            response = await http.get("/healthz")
            landing = await http.get("/")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert landing.status_code == 200  # pages that need no data keep working


async def test_healthz_database_returns_recovers_without_restart(
    make_settings: SettingsFactory, postgres_url: str, clock: FrozenClock
) -> None:
    """A database that appears after start-up is picked up by the next health check."""
    import asyncio
    import secrets

    from sqlalchemy.engine import make_url

    from tests.support.databases import _pg, postgres_admin_url

    name = f"portal_late_{secrets.token_hex(4)}"
    late_url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    app = create_app(make_settings(late_url), clock=clock)
    try:
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                assert (await http.get("/healthz")).status_code == 503
                await _pg(postgres_admin_url(), f'CREATE DATABASE "{name}"')
                assert (await http.get("/healthz")).status_code == 200
    finally:
        await asyncio.wait_for(
            _pg(postgres_admin_url(), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'), 10
        )
