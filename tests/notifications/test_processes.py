"""Real `python -m portal worker` processes: killed mid-burst, stopped with SIGTERM, and two
of them at once on PostgreSQL. Deliveries are counted in the sandbox."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.clock import SYSTEM_CLOCK
from portal.db.database import Database
from portal.db.tables import outbox
from portal.notifications import kinds
from portal.wecom.sandbox import Department, Member, Org, SandboxConfig
from tests.conftest import environ_for
from tests.factories import add_interview, add_person, queue
from tests.live.processes import sandbox_on_machine_clock
from tests.support import databases
from tests.support.sandbox import AppSwitch, SandboxControl

pytestmark = pytest.mark.slow

MEMBERS = [f"m{i:03d}" for i in range(100)]
LEASE_S = 30  # the worker's default lease: orphaned rows come back after it


@pytest.fixture
def wecom_config() -> SandboxConfig:
    members = tuple(Member(u, u.upper(), u, (1,), "Engineer") for u in MEMBERS)
    return SandboxConfig(org=Org(departments=(Department(1, "Corp", "Corp", 0),), members=members))


@pytest.fixture
def sandbox(
    _wecom_server: tuple[AppSwitch, str], wecom_config: SandboxConfig
) -> Iterator[SandboxControl]:
    """The `portal` processes here run on the machine's clock, and so does the sandbox."""
    with sandbox_on_machine_clock(_wecom_server, wecom_config) as control:
        yield control


@pytest.fixture
async def lite(sqlite_url: str) -> AsyncIterator[Database]:
    """The SQLite file the worker processes use (these tests run on SQLite only)."""
    database = Database(sqlite_url)
    await database.connect()
    yield database
    await database.disconnect()


@pytest.fixture
def pg_url(postgres_url: str) -> str:
    databases.truncate_postgres(postgres_url)
    return postgres_url


@contextmanager
def worker(
    database_url: str, sandbox: SandboxControl, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, **environ_for(database_url, sandbox.base_url, PORTAL_LOG_LEVEL="DEBUG")}
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "portal", "worker"],
            env=env,
            stdout=out,
            stderr=out,
            cwd=log.parent,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


async def _seed(db: Database, count: int) -> None:
    # The worker processes run on the machine's clock: their rows are due by that clock.
    now = SYSTEM_CLOCK.now()
    for userid in MEMBERS:
        await add_person(db, userid, now=now)
    interviews = []
    for n in range(20):
        booked = await add_interview(db, panel=MEMBERS[n * 5 : n * 5 + 5], now=now)
        interviews.append(booked.interview_id)
    async with db.transaction():
        for n in range(count):
            userid = MEMBERS[n % len(MEMBERS)]
            await queue(
                db,
                kinds.REMINDER,
                userid,
                interviews[MEMBERS.index(userid) // 5],
                version=n,
                now=now,
            )


async def _statuses(db: Database) -> Counter[str]:
    rows = await db.fetch_all(sa.select(outbox.c.status).where(outbox.c.kind == kinds.REMINDER))
    return Counter(row["status"] for row in rows)


async def _until(
    db: Database, done: Callable[[Counter[str]], bool], timeout: float
) -> Counter[str]:
    """The statuses once `done` holds for them, or as they are when `timeout` runs out."""
    deadline = time.monotonic() + timeout
    while True:
        counts = await _statuses(db)
        if done(counts) or time.monotonic() > deadline:
            return counts
        await asyncio.sleep(0.05)


def _wait_delivered(sandbox: SandboxControl, at_least: int, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while (delivered := int(sandbox.stats()["messages_delivered"])) < at_least:
        assert time.monotonic() < deadline, f"only {delivered} delivered"
        time.sleep(0.02)
    return delivered


def _exactly_once(sandbox: SandboxControl, count: int) -> None:
    per_card = Counter((m["touser"], m["body"]["task_id"]) for m in sandbox.messages())
    assert len(per_card) == count, "every message delivered"
    assert set(per_card.values()) == {1}, "none twice"


async def test_worker_killed_mid_burst_then_restarted_delivers_each_once(
    lite: Database, sqlite_url: str, sandbox: SandboxControl, tmp_path: Path
) -> None:
    db = lite
    await _seed(db, 300)
    sandbox.fault(path="message/send", delay_s=0.15, ratio=1.0)  # slow sends: a burst in flight
    with worker(sqlite_url, sandbox, tmp_path / "first.log") as first:
        delivered = _wait_delivered(sandbox, 40)
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert delivered < 300
    before = await _statuses(db)
    assert before["sending"] > 0, "the kill left rows claimed mid-send"
    with worker(sqlite_url, sandbox, tmp_path / "second.log") as second:
        counts = await _until(db, lambda c: c["sent"] == 300, timeout=LEASE_S + 30)
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=15) == 0
    assert counts == {"sent": 300}
    _exactly_once(sandbox, 300)


async def test_worker_sigterm_finishes_sends_in_flight_and_releases_the_rest(
    lite: Database, sqlite_url: str, sandbox: SandboxControl, tmp_path: Path
) -> None:
    db = lite
    await _seed(db, 300)
    sandbox.fault(path="message/send", delay_s=0.15, ratio=1.0)
    with worker(sqlite_url, sandbox, tmp_path / "worker.log") as process:
        _wait_delivered(sandbox, 40)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    counts = await _statuses(db)
    assert counts["sending"] == 0 and counts["pending"] > 0
    assert int(sandbox.stats()["messages_delivered"]) == counts["sent"]
    _exactly_once(sandbox, counts["sent"])


async def test_two_workers_on_postgresql_never_send_a_row_twice(
    pg_url: str, sandbox: SandboxControl, tmp_path: Path
) -> None:
    postgres_url = pg_url
    db = Database(postgres_url)
    await db.connect()
    try:
        await _seed(db, 400)
        sandbox.fault(path="message/send", delay_s=0.05, ratio=1.0)
        logs = [tmp_path / "a.log", tmp_path / "b.log"]
        with (
            worker(postgres_url, sandbox, logs[0]) as a,
            worker(postgres_url, sandbox, logs[1]) as b,
        ):
            counts = await _until(db, lambda c: c["sent"] == 400, timeout=60)
            for process in (a, b):
                process.send_signal(signal.SIGTERM)
                assert process.wait(timeout=15) == 0
    finally:
        await db.disconnect()
    assert counts == {"sent": 400}
    _exactly_once(sandbox, 400)
    for log in logs:
        assert "outbox: batch of" in log.read_text(), f"{log.name} took part"
