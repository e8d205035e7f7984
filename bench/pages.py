"""The HR board under concurrent load, beside a bare Starlette page rendering the same template.

    python bench/pages.py [--seconds 8] [--connections 32] [--interviews 100000]

Seeds a SQLite file (batched stdlib `executemany`): `--interviews` interviews with their
panels, 50 of them today in Asia/Shanghai. Counts the database calls of one board request
in-process (a counting wrapper around `Database`). Then serves, each with uvicorn in a child
process, the portal (signed-in HR session, real database) and a bare Starlette app (no
middleware, no database: `interviews/board.html` rendered from constant data of the same
shape), and drives each with `--connections` keep-alive connections from a small asyncio
HTTP/1.1 client: httpx spends more CPU per request than the server under test, and on two
cores the load generator would measure itself. Last lines: `per_s`, `baseline_per_s`,
`ratio`, `p50_ms`, `p99_ms`, `queries` (per board page), `database`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.pages_data import (  # noqa: E402
    HR_ID,
    TODAY_COUNT,
    ZONE,
    copy_to_postgres,
    postgres_database,
    seed,
    today_starts,
)
from portal.scheduling import local_date  # noqa: E402

SECRET = "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def settings(database_url: str) -> Any:
    from portal.settings import load_settings

    environ = {
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_SECRET_KEY": SECRET,
        "PORTAL_TIMEZONE": ZONE,
        "PORTAL_LOG_LEVEL": "WARNING",
        "WECOM_CORP_ID": "wwbench",
        "WECOM_AGENT_ID": "1",
        "WECOM_SECRET": "bench",
        "WECOM_CALLBACK_TOKEN": "bench",
        "WECOM_CALLBACK_AES_KEY": "k" * 43,
        "WECOM_API_BASE": "http://127.0.0.1:9",
    }
    return load_settings(environ, env_file=None)


def session_cookie(person_id: int = HR_ID) -> str:
    """A signed session for a person (HR unless told), as Starlette's SessionMiddleware writes
    it, with what the session check reads (epoch, sign-in and last-use times)."""
    from itsdangerous import TimestampSigner

    now = int(time.time())
    session = {"person_id": person_id, "epoch": 0, "since": now, "seen": now}
    data = base64.b64encode(json.dumps(session).encode())
    return "portal_session=" + TimestampSigner(SECRET).sign(data).decode()


# --- counting queries in-process ------------------------------------------------------------


async def count_queries(database_url: str) -> tuple[int, int]:
    """(database calls, board rows) for one board request, after a warm-up request."""
    import httpx
    from asgi_lifespan import LifespanManager

    from portal.app import create_app
    from portal.db.database import Database

    calls = 0

    def counting(method: Any) -> Any:
        async def wrapper(self: Database, *args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            return await method(self, *args, **kwargs)

        return wrapper

    for name in ("fetch_one", "fetch_all", "fetch_val", "execute", "execute_many"):
        setattr(Database, name, counting(getattr(Database, name)))
    app = create_app(settings(database_url))
    headers = {"Cookie": session_cookie(), "Accept-Language": "en"}
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            await client.get("/board", headers=headers)
            calls = 0
            response = await client.get("/board", headers=headers)
    assert response.status_code == 200, response.status_code
    return calls, len(re.findall(r'<tr id="interview-\d+"', response.text))


# --- the two servers --------------------------------------------------------------------


def bare_app(database_url: str) -> Any:
    """Starlette alone: the board template from constant data, no middleware, no database."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.routing import Route

    from portal.app import build_routes
    from portal.web.core.assets import build_assets
    from portal.web.core.templating import STATIC_DIR, build_templates
    from portal.wiring import Sandboxes

    assets = build_assets(STATIC_DIR)
    templates = build_templates(static=assets.url)
    context = constant_context()

    async def board(request: Request) -> Any:
        return templates.TemplateResponse(request, "interviews/board.html", context)

    routes = [Route("/bare", board), *build_routes(settings(database_url), Sandboxes(), assets)]
    return Starlette(routes=routes)


def constant_context() -> dict[str, Any]:
    from portal.db.board import BoardEntry, BoardMember
    from portal.db.people import Person
    from portal.i18n import LANGUAGE_NAMES, Catalogs
    from portal.interviews.board import BoardFilters, build_board
    from portal.scheduling import RECOMMENDATION_LABELS, STATUS_LABELS, Status
    from portal.web.core.live_anchors import LiveAnchor
    from portal.web.core.navigation import NavItem
    from portal.web.core.rendering import HTMX_CONFIG

    language, now = Catalogs().get("en"), datetime.now(UTC)
    today = local_date(now, ZONE)
    person = Person(HR_ID, "bench1", "HR", None, (), None, None, "hr", None, None, None,
                    False, True, False, None, now, now)  # fmt: skip
    rows = []
    for n, start in enumerate(today_starts(today), start=1):
        panel = tuple(
            BoardMember(p, f"面试官{p}", f"Person {p}", "accepted")
            for p in (2 + n % 40, 2 + (n + 7) % 40)[: 1 + n % 2]
        )
        end = start + timedelta(minutes=45)
        rows.append(BoardEntry(n, start, end, Status.SCHEDULED, 1, f"候选人{n}", 1, "Position 1",
                               panel))  # fmt: skip
    return {
        "language": language, "lang": "en", "languages": LANGUAGE_NAMES, "csrf_token": "c" * 43,
        "viewer_timezone": ZONE, "user": person, "demo": False, "sandbox_mount": None,
        "htmx_config": HTMX_CONFIG, "current_path": "/bare",
        "nav": [NavItem(language.gettext(t), f"/{t.lower()}", False) for t in ("Board", "Week")],
        "interview_path": "/interviews",
        "status_labels": {s.value: language.gettext(m) for s, m in STATUS_LABELS.items()},
        "rsvp_labels": {k: k for k in ("pending", "accepted", "declined")},
        "recommendation_labels": {r.value: m for r, m in RECOMMENDATION_LABELS.items()},
        "board": build_board(rows, BoardFilters()), "filters": BoardFilters(), "day": today,
        "is_today": True, "previous_day": "", "next_day": "", "statuses": list(Status),
        "reschedule_requests": set(),
        "live": LiveAnchor("/live/board?after=0", "board-live"),
    }  # fmt: skip


def serve(kind: str, port: int, database_url: str) -> None:
    import uvicorn

    from portal.app import create_app

    app = create_app(settings(database_url)) if kind == "portal" else bare_app(database_url)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    kind: str, database_url: str, script: str = __file__
) -> tuple[subprocess.Popen[bytes], int]:
    """`script --serve kind` in a child process, once its port answers."""
    port = free_port()
    command = [sys.executable, script, "--serve", kind, "--port", str(port), "--db", database_url]
    child = subprocess.Popen(command, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return child, port
        except OSError:
            time.sleep(0.1)
    child.kill()
    raise RuntimeError(f"{kind} server did not start")


# --- the load -----------------------------------------------------------------------------


async def _connection(port: int, request: bytes, until: float, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            began = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(head.split(b"\r\n", 1)[0].decode())
            length = re.search(rb"(?i)content-length: *(\d+)", head)
            assert length is not None, "no content-length"
            await reader.readexactly(int(length.group(1)))
            latencies.append(time.perf_counter() - began)
    finally:
        writer.close()


async def load(port: int, path: str, cookie: str, seconds: float, connections: int) -> list[float]:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: en\r\nCookie: {cookie}\r\n\r\n"
    ).encode()
    warm: list[float] = []
    await asyncio.gather(*(_connection(port, request, time.perf_counter() + 1, warm)
                           for _ in range(connections)))  # fmt: skip
    latencies: list[float] = []
    until = time.perf_counter() + seconds
    await asyncio.gather(
        *(_connection(port, request, until, latencies) for _ in range(connections))
    )
    return latencies


def measure(kind: str, path: str, url: str, args: argparse.Namespace) -> list[float]:
    child, port = start(kind, url)
    try:
        return asyncio.run(load(port, path, session_cookie(), args.seconds, args.connections))
    finally:
        child.terminate()
        child.wait(timeout=10)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(url: str, args: argparse.Namespace) -> tuple[list[float], list[float], int]:
    queries, rows = asyncio.run(count_queries(url))
    print(f"board rows rendered: {rows}", flush=True)
    return measure("portal", "/board", url, args), measure("bare", "/bare", url, args), queries


def seeded_url(tmp: Path, args: argparse.Namespace) -> Iterator[str]:
    """The seeded database for this run: the SQLite file, or a copy of it in PostgreSQL."""
    path = tmp / "bench.db"
    began = time.perf_counter()
    seed(path, args.interviews)
    if args.database == "sqlite":
        print(f"seeded {args.interviews} interviews in {time.perf_counter() - began:.1f} s")
        yield f"sqlite:///{path}"
        return
    with postgres_database(args.postgres_url) as url:
        asyncio.run(copy_to_postgres(path, url))
        print(f"seeded {args.interviews} interviews in {time.perf_counter() - began:.1f} s")
        yield url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--interviews", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("PORTAL_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test"),
    )
    parser.add_argument("--serve", choices=["portal", "bare"])
    parser.add_argument("--port", type=int)
    parser.add_argument("--db")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.db)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for url in seeded_url(Path(tmp), args):
            portal, bare, queries = run(url, args)
    per_s, baseline = len(portal) / args.seconds, len(bare) / args.seconds
    kind = "sqlite (file, WAL)" if args.database == "sqlite" else "postgresql (asyncpg pool)"
    print(f"connections: {args.connections}")
    print(f"database: {kind}, {args.interviews} interviews, {TODAY_COUNT} today")
    print(f"baseline_p50_ms: {percentile(bare, 0.50) * 1000:.1f}")
    print(f"baseline_p99_ms: {percentile(bare, 0.99) * 1000:.1f}")
    print(f"per_s: {per_s:.1f}")
    print(f"baseline_per_s: {baseline:.1f}")
    print(f"ratio: {per_s / baseline:.2f}")
    print(f"p50_ms: {percentile(portal, 0.50) * 1000:.1f}")
    print(f"p99_ms: {percentile(portal, 0.99) * 1000:.1f}")
    print("queries_note: user + board + live resume point (one more while the feed is empty)")
    print(f"queries: {queries}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
