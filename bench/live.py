"""Live status latency: a status change through one `portal serve` process until its row
arrives on another process's SSE stream, both on one PostgreSQL.

    python bench/live.py [--events 200]

Starts the WeCom sandbox (for sign-in) and two app processes on a temporary PostgreSQL
database (created from PORTAL_TEST_POSTGRES_URL, default postgresql://root@127.0.0.1:5432/test,
migrated, dropped at the end). HR signs in on both; the board stream is open on B; each event
is a real status change (POST .../status, scheduled -> confirmed) sent to A, timed from the
request to the row's arrival on B's stream. The baseline is the same path within one
process on SQLite (in-process hub). Last lines: `baseline_p50_ms`, `baseline_p99_ms`,
`p50_ms`, `p99_ms`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from portal.db.database import Database  # noqa: E402
from portal.db.migrate import upgrade  # noqa: E402
from portal.db.tables import candidates, interviews, positions  # noqa: E402
from portal.scheduling import today_range  # noqa: E402
from portal.wecom import sandbox  # noqa: E402

ADMIN_URL = os.environ.get("PORTAL_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
ROW = re.compile(r'id="interview-(\d+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environ(database_url: str, wecom_base: str, base_url: str) -> dict[str, str]:
    return os.environ | {
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_SECRET_KEY": secrets.token_hex(32),
        "PORTAL_BASE_URL": base_url,
        "PORTAL_LOG_LEVEL": "WARNING",
        "PORTAL_ADMINS": sandbox.DEMO_ADMIN_USERID,
        "PORTAL_HR_DEPARTMENTS": str(sandbox.DEMO_HR_DEPARTMENT_ID),
        "WECOM_CORP_ID": sandbox.DEMO_CORP_ID,
        "WECOM_AGENT_ID": str(sandbox.DEMO_AGENT_ID),
        "WECOM_SECRET": sandbox.DEMO_SECRET,
        "WECOM_CALLBACK_TOKEN": sandbox.DEMO_CALLBACK_TOKEN,
        "WECOM_CALLBACK_AES_KEY": sandbox.DEMO_CALLBACK_AES_KEY,
        "WECOM_API_BASE": wecom_base,
        "WECOM_OAUTH_BASE": wecom_base,
        "WECOM_WEB_LOGIN_BASE": wecom_base,
    }


@contextmanager
def process(
    command: list[str], env: dict[str, str], health_url: str, *, quiet: bool = False
) -> Iterator[None]:
    """A child process, ready once `health_url` answers 200; stopped with SIGTERM."""
    stderr = subprocess.DEVNULL if quiet else None
    child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        deadline = time.monotonic() + 30
        while True:
            if child.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{' '.join(command)} did not start")
            try:
                if httpx.get(health_url, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield
    finally:
        child.terminate()
        child.wait(15)


def serve(database_url: str, wecom_base: str) -> tuple[list[str], dict[str, str], str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "portal", "serve", "--port", str(port), "--no-worker"]
    return command, environ(database_url, wecom_base, url), url


@contextmanager
def postgres_database() -> Iterator[str]:
    name = f"portal_bench_{os.getpid()}_{secrets.token_hex(3)}"
    dsn = make_url(ADMIN_URL).set(drivername="postgresql").render_as_string(hide_password=False)

    async def run(statement: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def seed(database_url: str, count: int) -> list[int]:
    """`count` interviews on today's board, all of today, so each may be confirmed now."""
    today = today_range(datetime.now(UTC), "Asia/Shanghai")
    now = datetime.now(UTC)
    stamps = {"created_at": now, "updated_at": now}
    db = Database(database_url)
    await db.connect()
    try:
        candidate = await db.execute(candidates.insert().values(name="Bench", **stamps))
        position = await db.execute(positions.insert().values(title="Bench", **stamps))
        values = {
            "candidate_id": candidate,
            "position_id": position,
            "starts_at": today.start,
            "ends_at": today.end,
            "timezone": "Asia/Shanghai",
        }
        return [
            int(await db.execute(interviews.insert().values(**values, **stamps)))
            for _ in range(count)
        ]
    finally:
        await db.disconnect()


async def signed_in(base_url: str, wecom_base: str) -> tuple[httpx.AsyncClient, str]:
    """An HR session on `base_url` (the real web login), and its CSRF token."""
    client = httpx.AsyncClient(base_url=base_url, timeout=10)
    start = await client.get("/login/wecom")
    state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
    code = httpx.post(
        f"{wecom_base}/_control/codes", json={"userid": sandbox.DEMO_HR_USERID}
    ).json()["code"]
    await client.get("/auth/callback", params={"code": code, "state": state})
    page = await client.get("/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "not signed in"
    return client, token.group(1)


async def watch(client: httpx.AsyncClient, arrived: dict[int, asyncio.Future[float]]) -> None:
    """Read the board stream; resolve each interview's future when its row arrives."""
    headers = {"Accept": "text/event-stream"}
    async with client.stream("GET", "/live/board", headers=headers, timeout=None) as stream:
        async for line in stream.aiter_lines():
            match = ROW.search(line) if line.startswith("data: ") else None
            future = arrived.get(int(match.group(1))) if match else None
            if future is not None and not future.done():
                future.set_result(time.perf_counter())


async def measure(change_url: str, watch_url: str, wecom_base: str, ids: list[int]) -> list[float]:
    """Milliseconds from each status change sent to `change_url` to its row on `watch_url`."""
    (changer, token), (watcher, _) = [
        await signed_in(u, wecom_base) for u in (change_url, watch_url)
    ]
    loop = asyncio.get_running_loop()
    arrived: dict[int, asyncio.Future[float]] = {i: loop.create_future() for i in ids}
    reader = asyncio.create_task(watch(watcher, arrived))
    await asyncio.sleep(0.5)  # the stream is open
    latencies = []
    try:
        for interview_id in ids:
            started = time.perf_counter()
            response = await changer.post(
                f"/interviews/{interview_id}/status",
                data={"target": "confirmed"},
                headers={"X-CSRF-Token": token},
            )
            assert response.status_code in (200, 303), response.text
            landed = await asyncio.wait_for(arrived[interview_id], timeout=10)
            latencies.append((landed - started) * 1000)
    finally:
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)
        await changer.aclose()
        await watcher.aclose()
    return latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()
    with ExitStack() as stack:
        wecom_port = free_port()
        wecom_base = f"http://127.0.0.1:{wecom_port}"
        sandbox_command = [sys.executable, "-m", "portal", "sandbox", "--port", str(wecom_port)]
        health = wecom_base + "/_control/stats"
        stack.enter_context(process(sandbox_command, dict(os.environ), health, quiet=True))

        sqlite_url = f"sqlite:///{stack.enter_context(tempfile.TemporaryDirectory())}/bench.db"
        upgrade(sqlite_url)
        command, env, single = serve(sqlite_url, wecom_base)
        stack.enter_context(process(command, env, single + "/healthz"))
        ids = asyncio.run(seed(sqlite_url, args.events))
        baseline = asyncio.run(measure(single, single, wecom_base, ids))

        postgres_url = stack.enter_context(postgres_database())
        (command_a, env_a, a), (command_b, env_b, b) = (
            serve(postgres_url, wecom_base) for _ in "ab"
        )
        stack.enter_context(process(command_a, env_a, a + "/healthz"))
        stack.enter_context(process(command_b, env_b, b + "/healthz"))
        ids = asyncio.run(seed(postgres_url, args.events))
        latencies = asyncio.run(measure(a, b, wecom_base, ids))

    print(f"events: {len(latencies)}")
    print(f"mean_ms: {statistics.fmean(latencies):.1f}")
    print(f"baseline_p50_ms: {percentile(baseline, 0.50):.1f}")
    print(f"baseline_p99_ms: {percentile(baseline, 0.99):.1f}")
    print(f"p50_ms: {percentile(latencies, 0.50):.1f}")
    print(f"p99_ms: {percentile(latencies, 0.99):.1f}")


if __name__ == "__main__":
    main()
