"""DatabaseTokenStore on SQLite and PostgreSQL, and one refresh across OS processes."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from portal.clock import SYSTEM_CLOCK, FrozenClock
from portal.db.database import Database
from portal.db.tokens import DatabaseTokenStore
from portal.wecom.sandbox import DEMO_AGENT_ID, DEMO_CORP_ID
from portal.wecom.tokens import StoredToken
from tests.support.sandbox import SandboxControl
from tests.support.when import NOW
from tests.wecom.support import demo_client

ROOT = Path(__file__).resolve().parents[2]
WHEN = NOW + timedelta(hours=2)  # an expiry in the tests' future
PROCESSES = 4
CALLS_PER_PROCESS = 50


async def test_db_store_set_then_get_round_trips_aware_expiry(db: Database) -> None:
    store = DatabaseTokenStore(db)
    assert await store.get("k") is None
    await store.set("k", "v1", WHEN)
    assert await store.get("k") == StoredToken("v1", WHEN)
    await store.set("k", "v2", WHEN + timedelta(hours=2))  # upsert
    stored = await store.get("k")
    assert stored == StoredToken("v2", WHEN + timedelta(hours=2))
    assert stored.expires_at.tzinfo is not None


async def test_db_store_delete_if_only_deletes_matching_value(db: Database) -> None:
    store = DatabaseTokenStore(db)
    await store.set("k", "fresh", WHEN)
    assert await store.delete_if("k", "stale") is False
    assert await store.get("k") == StoredToken("fresh", WHEN)
    assert await store.delete_if("k", "fresh") is True
    assert await store.get("k") is None
    assert await store.delete_if("k", "fresh") is False


async def test_db_store_lock_serialises_holders(db: Database) -> None:
    store = DatabaseTokenStore(db)
    events: list[str] = []
    inside = asyncio.Event()

    async def first() -> None:
        async with store.lock("access_token:c:1"):
            events.append("first in")
            inside.set()
            await asyncio.sleep(0.3)
            await store.set("access_token:c:1", "from-first", WHEN)
            events.append("first out")

    async def second() -> None:
        await inside.wait()
        async with store.lock("access_token:c:1"):
            events.append("second in")
            stored = await store.get("access_token:c:1")
            events.append(f"second sees {stored.value if stored else None}")

    await asyncio.gather(first(), second())
    assert events == ["first in", "first out", "second in", "second sees from-first"]


async def test_db_store_lock_rolls_back_on_error(db: Database) -> None:
    store = DatabaseTokenStore(db)
    with pytest.raises(RuntimeError):
        async with store.lock("k"):
            await store.set("k", "half-done", WHEN)
            raise RuntimeError("fetch failed")
    assert await store.get("k") is None


def start_workers(
    api_base: str, db_url: str, folder: Path, phases: int
) -> list[subprocess.Popen[str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.wecom.token_worker",
                api_base,
                db_url,
                str(CALLS_PER_PROCESS),
                str(folder),
                f"w{i}",
                str(phases),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(PROCESSES)
    ]


async def release(folder: Path, phase: int, workers: list[subprocess.Popen[str]]) -> None:
    """Wait until every worker is ready for `phase`, then let them all go at once."""
    for _ in range(3000):
        if all((folder / f"w{i}.ready{phase}").exists() for i in range(PROCESSES)):
            (folder / f"go{phase}").touch()
            return
        if any(w.poll() not in (None, 0) for w in workers):
            break
        await asyncio.sleep(0.01)
    for worker in workers:
        worker.kill()
    outputs = [worker.communicate()[1][-2000:] for worker in workers]
    raise AssertionError(f"workers did not get ready for phase {phase}: {outputs}")


async def finish(workers: list[subprocess.Popen[str]]) -> list[dict[str, object]]:
    lines: list[dict[str, object]] = []
    for worker in workers:
        out, err = await asyncio.to_thread(worker.communicate, timeout=60)
        assert worker.returncode == 0, err[-3000:]
        lines.extend(json.loads(line) for line in out.splitlines() if line.strip())
    return lines


@pytest.mark.slow
async def test_token_refresh_across_processes_fetches_once(
    db_url: str, sandbox: SandboxControl, tmp_path: Path
) -> None:
    key = f"access_token:{DEMO_CORP_ID}:{DEMO_AGENT_ID}"
    db = Database(db_url)
    await db.connect()
    try:
        # Phase 1: the shared row holds a token that expired a minute ago. The worker
        # processes judge expiry on the machine clock, so "a minute ago" is on that clock too.
        expired = SYSTEM_CLOCK.now() - timedelta(minutes=1)
        await DatabaseTokenStore(db, clock=SYSTEM_CLOCK.timestamp).set(key, "stale", expired)
        workers = start_workers(sandbox.base_url, db_url, tmp_path, phases=2)
        await release(tmp_path, 1, workers)
        # Phase 2: WeCom revokes the token every process holds (all calls get 42001).
        for _ in range(3000):
            if all((tmp_path / f"w{i}.ready2").exists() for i in range(PROCESSES)):
                break
            await asyncio.sleep(0.01)
        stats_after_phase_1 = sandbox.stats()
        revoked = sandbox.expire_tokens()
        (tmp_path / "go2").touch()
        lines = await finish(workers)
        stats_after_phase_2 = sandbox.stats()
    finally:
        await db.disconnect()
    assert [line["errors"] for line in lines] == [[]] * (2 * PROCESSES)
    assert sum(int(str(line["ok"])) for line in lines) == 2 * PROCESSES * CALLS_PER_PROCESS
    assert stats_after_phase_1["calls"]["gettoken"] == 1
    assert revoked == 1  # the one token all four processes shared
    assert stats_after_phase_2["calls"]["gettoken"] == 2
    user_gets = stats_after_phase_2["calls"]["user/get"]
    # Phase 2: each call fails once with 42001 and is retried once, at most.
    assert 2 * PROCESSES * CALLS_PER_PROCESS <= user_gets <= 3 * PROCESSES * CALLS_PER_PROCESS


async def test_client_on_db_store_shares_token_between_clients(
    db: Database, sandbox: SandboxControl, clock: FrozenClock
) -> None:
    first_store = DatabaseTokenStore(db, clock=clock.timestamp)
    async with demo_client(sandbox.base_url, clock, token_store=first_store) as first:
        await first.user.get("zhangwei")
    second_store = DatabaseTokenStore(db, clock=clock.timestamp)
    async with demo_client(sandbox.base_url, clock, token_store=second_store) as second:
        await second.user.get("lina")
    assert sandbox.calls("gettoken") == 1
