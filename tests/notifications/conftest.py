"""Fixtures for the notification tests: a fake clock shared by the worker and the sandbox.

- `clock`: a `FakeClock` (aware UTC) that only moves when a test moves it.
- `sandbox`: the per-test WeCom sandbox (over loopback), re-installed on `clock`, so its
  per-member caps, duplicate checks and delivery times follow the same fake time.
- `wecom_client`: the portal's WeCom client for that sandbox, tokens in the database.
- `services` / `worker`: an outbox worker with short backoff; `drain(worker)` runs it until
  the outbox is settled, moving the clock to each next due time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from portal.db.database import Database
from portal.db.outbox import next_due_at
from portal.db.tokens import DatabaseTokenStore
from portal.directory.service import RoleSources
from portal.i18n import Catalogs
from portal.notifications.prepare import Services
from portal.notifications.retry import RetryPolicy
from portal.notifications.worker import OutboxWorker, WorkerConfig
from portal.wecom import WeComClient
from portal.wecom import sandbox as demo
from portal.wecom.sandbox import SandboxConfig, create_sandbox_app
from tests.support.sandbox import AppSwitch, SandboxControl

BASE_URL = "http://portal.test"
FAST_POLICY = RetryPolicy(max_attempts=8, base_delay=1.0, max_delay=120.0)


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def timestamp(self) -> float:
        return self.now.timestamp()

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    # A minute ahead of real time: rows enqueued "now" by enqueue() are due at once.
    return FakeClock(datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=60))


@pytest.fixture
def sandbox(
    wecom: SandboxControl,
    _wecom_server: tuple[AppSwitch, str],
    wecom_config: SandboxConfig,
    clock: FakeClock,
) -> Iterator[SandboxControl]:
    switch, _ = _wecom_server
    switch.app = create_sandbox_app(wecom_config, clock=clock.timestamp)
    yield wecom


@pytest.fixture
def client_timeout() -> httpx.Timeout:
    return httpx.Timeout(2.0, connect=2.0)


@pytest.fixture
async def wecom_client(
    sandbox: SandboxControl, db: Database, client_timeout: httpx.Timeout
) -> AsyncIterator[WeComClient]:
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=64)) as http:
        yield WeComClient(
            http,
            corp_id=demo.DEMO_CORP_ID,
            corp_secret=demo.DEMO_SECRET,
            agent_id=demo.DEMO_AGENT_ID,
            token_store=DatabaseTokenStore(db),
            api_base=sandbox.base_url,
            timeout=client_timeout,
        )


@pytest.fixture
def services(db: Database, wecom_client: WeComClient) -> Services:
    sources = RoleSources(admins=("chenming",), hr_departments=(4,), hr_tags=())
    return Services(db, wecom_client, Catalogs(), BASE_URL, "Asia/Shanghai", sources, FAST_POLICY)


@pytest.fixture
def worker(services: Services, clock: FakeClock) -> OutboxWorker:
    return OutboxWorker(services, WorkerConfig(policy=FAST_POLICY), clock=clock, rng=lambda: 0.5)


Drain = Callable[..., Awaitable[int]]


@pytest.fixture
def drain(db: Database, clock: FakeClock) -> Drain:
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
            clock.now = max(clock.now, due) + timedelta(milliseconds=1)
        raise AssertionError("the outbox did not settle")

    return run
