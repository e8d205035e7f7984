"""`portal worker` and `portal sync-contacts`: background work without the web server."""

from __future__ import annotations

import asyncio
import logging
import signal

from portal.i18n import Catalogs
from portal.periodic import run_jobs
from portal.settings import Settings
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
        await run_jobs(worker_jobs(state), stop)
    log.info("worker stopped")


async def sync_contacts_once(settings: Settings) -> dict[str, object]:
    from portal.directory.sync import sync_contacts

    async with open_state(settings, build_templates(), Catalogs()) as state:
        report = await sync_contacts(
            state["db"], state["wecom"], state["role_sources"], now=state["clock"].now()
        )
    return report.as_dict()
