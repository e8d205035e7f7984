"""Background jobs: periodic work that runs in `portal worker` or inside `portal serve`.

Each job is an async callable run every `interval` seconds; a failure is logged and the job
runs again at its next turn, so one bad run never stops the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from portal.ops import metrics

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], Awaitable[object]]
    interval: float


async def run_jobs(jobs: list[Job], stop: asyncio.Event) -> None:
    """Run every job on its interval until `stop` is set; the run in flight finishes first."""
    await asyncio.gather(*(_loop(job, stop) for job in jobs))


async def _loop(job: Job, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await job.run()
        except Exception:  # keep the worker alive; the next turn retries
            log.exception("job %s failed", job.name)
        metrics.heartbeat(job.name)  # a job that hangs stops beating: alert on the age
        try:
            await asyncio.wait_for(stop.wait(), timeout=job.interval)
        except TimeoutError:
            continue
