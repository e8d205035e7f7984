"""Fixtures for the notification tests, on the suite's frozen `clock`.

- `sandbox`: the per-test WeCom sandbox (over loopback); it runs on `clock`, so its
  per-member caps, duplicate checks and delivery times follow the same time.
- `wecom_client`: the portal's WeCom client for that sandbox, tokens in the database.
- `delivery` / `worker`: an outbox worker with short backoff; `drain(worker)` runs it until
  the outbox is settled, moving the clock to each next due time.
- `statuses(db)`: how many outbox rows are in each status.

Seed data comes from `tests.factories`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa

from portal.clock import FrozenClock
from portal.db.database import Database
from portal.db.outbox import next_due_at
from portal.db.tables import outbox
from portal.db.tokens import DatabaseTokenStore
from portal.directory.service import RoleSources
from portal.i18n import Catalogs
from portal.notifications.prepare import Delivery
from portal.notifications.retry import RetryPolicy
from portal.notifications.worker import OutboxWorker, WorkerConfig
from portal.wecom import WeComClient
from portal.wecom import sandbox as demo
from tests.support.sandbox import SandboxControl

BASE_URL = "http://portal.test"
FAST_POLICY = RetryPolicy(max_attempts=8, base_delay=1.0, max_delay=120.0)


@pytest.fixture
def client_timeout() -> httpx.Timeout:
    return httpx.Timeout(2.0, connect=2.0)


@pytest.fixture
async def wecom_client(
    sandbox: SandboxControl, db: Database, client_timeout: httpx.Timeout, clock: FrozenClock
) -> AsyncIterator[WeComClient]:
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=64)) as http:
        yield WeComClient(
            http,
            corp_id=demo.DEMO_CORP_ID,
            corp_secret=demo.DEMO_SECRET,
            agent_id=demo.DEMO_AGENT_ID,
            token_store=DatabaseTokenStore(db, clock=clock.timestamp),
            clock=clock.timestamp,
            api_base=sandbox.base_url,
            timeout=client_timeout,
        )


@pytest.fixture
def delivery(db: Database, wecom_client: WeComClient) -> Delivery:
    sources = RoleSources(admins=("chenming",), hr_departments=(4,), hr_tags=())
    return Delivery(db, wecom_client, Catalogs(), BASE_URL, "Asia/Shanghai", sources, FAST_POLICY)


@pytest.fixture
def worker(delivery: Delivery, clock: FrozenClock) -> OutboxWorker:
    return OutboxWorker(delivery, WorkerConfig(policy=FAST_POLICY), clock=clock, rng=lambda: 0.5)


Drain = Callable[..., Awaitable[int]]


@pytest.fixture
def drain(db: Database, clock: FrozenClock) -> Drain:
    async def run(worker: OutboxWorker, *, max_turns: int = 2000) -> int:
        """Run batches until nothing is pending; returns how many rows were processed."""
        processed = 0
        for _ in range(max_turns):
            done = await worker.run_once()
            processed += done
            if done:
                continue
            due = await next_due_at(db)
            if due is None:
                return processed
            clock.set(max(clock.now(), due) + timedelta(milliseconds=1))
        raise AssertionError("the outbox did not settle")

    return run


async def statuses(db: Database) -> dict[str, int]:
    rows = await db.fetch_all(
        sa.select(outbox.c.status, sa.func.count().label("n")).group_by(outbox.c.status)
    )
    return {row["status"]: int(row["n"]) for row in rows}
