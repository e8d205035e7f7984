"""`portal worker` serves its own metrics on PORTAL_WORKER_METRICS_PORT (issue 17)."""

from __future__ import annotations

import asyncio
from typing import cast

import httpx

from portal.background import metrics_server
from portal.clock import FrozenClock
from portal.db.database import Database
from portal.periodic import Job, run_jobs
from portal.web.core.state import AppState
from tests.conftest import SettingsFactory
from tests.support.servers import free_port

TOKEN = "worker-metrics-token-0123456789"


async def test_worker_metrics_port_needs_the_token_and_shows_heartbeats(
    make_settings: SettingsFactory, db_url: str, db: Database, clock: FrozenClock
) -> None:
    port = free_port()
    settings = make_settings(
        db_url, PORTAL_METRICS_TOKEN=TOKEN, PORTAL_WORKER_METRICS_PORT=str(port)
    )
    state = cast(AppState, {"settings": settings, "db": db, "clock": clock})
    stop = asyncio.Event()

    async def probe() -> None:
        stop.set()

    url = f"http://127.0.0.1:{port}/metrics"
    async with metrics_server(state):
        await run_jobs([Job("probe", probe, interval=0.01)], stop)
        async with httpx.AsyncClient(timeout=5) as http:
            refused = await http.get(url)
            answered = await http.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
    assert refused.status_code == 401
    assert answered.status_code == 200
    assert 'portal_worker_heartbeat_timestamp_seconds{job="probe"}' in answered.text
    assert "portal_outbox_oldest_due_age_seconds" in answered.text
    async with httpx.AsyncClient(timeout=2) as http:  # stopped with the worker
        try:
            await http.get(url)
        except httpx.ConnectError:
            pass
        else:
            raise AssertionError("the metrics port outlived the worker")
