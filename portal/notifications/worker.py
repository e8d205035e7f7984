"""The outbox worker: claim due rows, render, send through WeCom, record, repeat.

A batch is at most `batch_size` rows, sent `concurrency` at a time. On SIGTERM (`portal
worker`, or `portal serve` shutting down) the batch in flight is finished and recorded and
nothing more is claimed; `run(stop)` also gives back the rows of its batch not yet started.
A row that waited too long for its turn (a slow WeCom) goes back to the queue untouched
(`Released`) rather than outlive its lease or its pacing slot. A worker killed outright
leaves its rows `sending`; their lease runs out and another worker claims them. If such a
row had reached WeCom already, the resend is byte-identical and WeCom's duplicate check
(`enable_duplicate_check`) drops it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from portal.clock import SYSTEM_CLOCK, Clock
from portal.db.outbox import OutboxRow, next_due_at
from portal.logs import REQUEST_ID
from portal.notifications.claim import claim
from portal.notifications.outcomes import Outcome, Released
from portal.notifications.pacing import WECOM_LIMITS, Limits
from portal.notifications.prepare import Delivery, Work, prepare
from portal.notifications.results import record
from portal.notifications.retry import RetryPolicy, decide
from portal.ops import metrics

log = logging.getLogger(__name__)

ERROR_PAUSE = 2.0


@dataclass(frozen=True)
class WorkerConfig:
    batch_size: int = 64
    # Sends in flight at once. More is slower: httpx's pool does work per open connection.
    concurrency: int = 8
    lease: float = 30.0  # longer than one send can take (HTTP timeout 10 s) plus the writes
    idle_poll: float = 0.25  # idle polling is one cheap read
    min_idle: float = 0.05
    limits: Limits = WECOM_LIMITS
    policy: RetryPolicy = field(default_factory=RetryPolicy)


class OutboxWorker:
    """Sends the outbox; safe to run in several processes at once."""

    def __init__(
        self,
        delivery: Delivery,
        config: WorkerConfig | None = None,
        *,
        clock: Clock = SYSTEM_CLOCK,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.delivery = delivery
        self.config = config or WorkerConfig()
        self._clock = clock
        self._rng = rng
        self._name = f"{socket.gethostname()[:24]}-{os.getpid()}"
        self._busy = False  # the last step found work: skip the idle check

    def _token(self) -> str:
        return f"{self._name}-{secrets.token_hex(6)}"

    async def run_once(self, stop: asyncio.Event | None = None) -> int:
        """Claim one batch and see it through; returns how many rows were claimed."""
        db, config = self.delivery.db, self.config
        rows = await claim(
            db,
            now=self._clock.now(),
            limit=config.batch_size,
            lease=config.lease,
            token=self._token(),
            limits=config.limits,
        )
        if not rows:
            return 0
        works = await prepare(self.delivery, rows, self._clock.now())
        gate = asyncio.Semaphore(config.concurrency)
        outcomes = await asyncio.gather(*(self._deliver(work, gate, stop) for work in works))
        await record(db, list(zip(rows, outcomes, strict=True)), self._clock.now())
        metrics.count_sends(outcomes)
        log.debug("outbox: batch of %d done", len(rows))
        return len(rows)

    def _too_late(self, row: OutboxRow) -> bool:
        """A row waited too long for its turn in the batch (a slow WeCom): give it back."""
        now = self._clock.now()
        if row.paced_at is not None:
            # Its pacing slot assumed it leaves about when it was claimed.
            return (now - row.paced_at).total_seconds() > self.config.limits.slack
        claimed = row.lease_until - timedelta(seconds=self.config.lease) if row.lease_until else now
        return (now - claimed).total_seconds() > self.config.lease / 2

    async def _deliver(
        self, work: Work, gate: asyncio.Semaphore, stop: asyncio.Event | None
    ) -> Outcome:
        if work.outcome is not None:
            return work.outcome
        # Each send runs in its own task: its log lines carry the id of the request behind it.
        REQUEST_ID.set(work.row.request_id or f"outbox-{work.row.id}")
        async with gate:
            if (
                work.call is None
                or (stop is not None and stop.is_set())
                or self._too_late(work.row)
            ):
                return Released()
            try:
                return await work.call()
            except Exception as exc:  # every failure becomes a retry or a dead letter
                outcome = decide(exc, work.row.attempts, self.config.policy, self._rng)
                log.info("outbox %s (%s) failed: %s", work.row.id, work.row.kind, exc)
                return outcome

    async def idle_delay(self) -> float:
        """Seconds until something may be due (0: now); a read, so idling takes no locks."""
        due = await next_due_at(self.delivery.db)
        if due is None:
            return self.config.idle_poll
        wait = (due - self._clock.now()).total_seconds()
        return 0.0 if wait <= 0 else min(self.config.idle_poll, wait)

    async def _step(self, stop: asyncio.Event | None) -> float:
        """One batch if anything is due; returns how long to wait before the next step."""
        if not self._busy:
            delay = await self.idle_delay()
            if delay > 0:
                return delay
        self._busy = await self.run_once(stop) > 0
        # Due rows that cannot be claimed now (held by another transaction): look again soon.
        return 0.0 if self._busy else self.config.min_idle

    async def turn(self) -> None:
        """One step and its wait (the body of a background `Job`, which has no stop signal)."""
        delay = await self._guarded_step(None)
        if delay > 0:
            await asyncio.sleep(delay)

    async def _guarded_step(self, stop: asyncio.Event | None) -> float:
        try:
            return await self._step(stop)
        except Exception:  # the database may be briefly away: log, wait, try again
            log.exception("outbox worker step failed")
            return ERROR_PAUSE

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set; the batch in flight finishes, nothing more is claimed."""
        while not stop.is_set():
            delay = await self._guarded_step(stop)
            if delay > 0:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=delay)
                except TimeoutError:
                    pass
