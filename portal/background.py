"""`portal worker` and `portal sync-contacts`: background work without the web server."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator

from portal.i18n import Catalogs
from portal.periodic import run_jobs
from portal.settings import Settings
from portal.web.core.state import AppState
from portal.web.core.templating import build_templates
from portal.wiring import open_state, worker_jobs

log = logging.getLogger(__name__)


async def run_worker(settings: Settings) -> None:
    """Run the jobs until SIGTERM or SIGINT; the job in flight finishes first."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with open_state(settings, build_templates(), Catalogs()) as state:
        log.info("worker started")
        async with metrics_server(state):
            await run_jobs(worker_jobs(state), stop)
    log.info("worker stopped")


@contextlib.asynccontextmanager
async def metrics_server(state: AppState) -> AsyncIterator[None]:
    """`GET /metrics` on `PORTAL_WORKER_METRICS_PORT` (all interfaces: Prometheus scrapes
    from elsewhere; the bearer token guards it), for as long as the worker runs."""
    port = state["settings"].worker_metrics_port
    if port is None:
        yield
        return
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Route

    from portal.web.home.metrics import metrics_page

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[AppState]:
        yield state  # the worker's own services: the handler reads the outbox through them

    app = Starlette(routes=[Route("/metrics", metrics_page)], lifespan=lifespan)
    config = uvicorn.Config(app, host="0.0.0.0", port=port, log_config=None, access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # bound and listening, or failed (the port is taken)
        if task.done():
            task.result()
            raise RuntimeError(f"worker metrics: could not listen on port {port}")
        await asyncio.sleep(0.02)
    log.info("worker metrics on port %d", port)
    try:
        yield
    finally:
        server.should_exit = True
        await task


async def sync_contacts_once(settings: Settings) -> dict[str, object]:
    from portal.directory.sync import sync_contacts

    async with open_state(settings, build_templates(), Catalogs()) as state:
        report = await sync_contacts(
            state["db"], state["wecom"], state["role_sources"], now=state["clock"].now()
        )
    return report.as_dict()
