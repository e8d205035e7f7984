"""Interview rooms: booking with the room step, the rooms worker, and the platform's webhooks.

    python bench/rooms.py [--interviews 500] [--postgres]

The platform sandbox runs in a child process and answers every API call 100 ms late
(`latency_s=0.1`). Each interview has a candidate and two interviewers of its own, so no
booking conflicts. Every phase runs on a fresh, migrated SQLite file (or a temporary
PostgreSQL database with `--postgres`).

- Baseline: N bookings through `portal.interviews.service.create` without rooms, 16 at a time
  (as many as the database takes: SQLite serialises the writers, which is the honest baseline).
- Rooms: the same N bookings with `platform_rooms=True` on a fresh database, while one
  `RoomWorker` (default `RoomsConfig`) runs its loop in the same process, as in `portal
  serve`, on a database handle of its own, until every room is ready. `rooms_per_s` counts
  from the first booking to the last room ready; `p50_ms` / `p99_ms` are booking returned ->
  room ready (`rooms.updated_at`, on the portal's system clock); `booking_overhead` is
  baseline / with-rooms booking rate; `rooms_made` and `duplicates` are counted in the
  sandbox's own list of rooms.
- Webhooks: the portal (uvicorn, child process) on that database takes 2N signed webhooks
  (`interview_started` per room, then `interview_ended` with a rating), 16 in flight, timed
  until every one is answered 200 and applied. Baseline: as many GET /healthz over the same
  keep-alive client (an HTTP round trip to this server, and one trivial query).

The targets (rooms_per_s >= 50, p99_ms <= 2000) are printed as a comment; the last lines are
`interviews`, `database`, `baseline_bookings_per_s`, `bookings_per_s`, `booking_overhead`,
`rooms_per_s`, `p50_ms`, `p99_ms`, `rooms_made`, `duplicates`, `healthz_per_s`,
`webhooks_per_s`, `webhook_ratio`.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sandbox_process  # bench/sandbox_process.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from portal.clock import SYSTEM_CLOCK  # noqa: E402
from portal.db.candidates import CandidateFields, insert_candidate  # noqa: E402
from portal.db.database import Database  # noqa: E402
from portal.db.migrate import upgrade  # noqa: E402
from portal.db.people import MemberProfile, upsert_member  # noqa: E402
from portal.db.positions import PositionFields, insert_position  # noqa: E402
from portal.db.rooms import READY, room_counts  # noqa: E402
from portal.db.tables import interviews, platform_events, rooms  # noqa: E402
from portal.interviews.service import BookingPolicy, create  # noqa: E402
from portal.live import LiveEvent  # noqa: E402
from portal.platform import SIGNATURE_HEADER, ApiKeyAuth, PlatformClient, sign, webhook_body  # noqa: E402  # noqa: E402
from portal.platform.sandbox import DEMO_API_KEY, DEMO_WEBHOOK_SECRET  # noqa: E402
from portal.rooms.provision import PortalPages, RoomWorker  # noqa: E402
from portal.scheduling import Actor, ActorKind, InterviewDraft, Slot  # noqa: E402
from portal.scheduling.rooms import RoomKind  # noqa: E402
from portal.wecom import sandbox as wecom  # noqa: E402

IN_FLIGHT = 16  # bookings and webhook POSTs at once
LATENCY_S = 0.1  # every platform API answer
PANEL = 2  # interviewers per interview, each on one interview only
DEADLINE_S = 120.0  # a phase that has not finished by then has failed
TARGETS = "# targets: rooms_per_s >= 50, p99_ms <= 2000"
ADMIN_URL = os.environ.get("PORTAL_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
SECRET_KEY = "bench-rooms-secret-key-0123456789-abcdefghijklmnop"


class Quiet:
    """The live broadcaster, with no pages listening."""

    async def publish(self, event: LiveEvent) -> None:
        return None


QUIET = Quiet()


# --- the child processes ----------------------------------------------------------------------


def serve_platform(port: int) -> None:
    import uvicorn

    from portal.platform.sandbox import PlatformSandboxConfig, create_platform_sandbox

    app = create_platform_sandbox(PlatformSandboxConfig(latency_s=LATENCY_S))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def portal_environ(database_url: str, platform_url: str, port: int) -> dict[str, str]:
    """A full environment; WeCom points at a closed port (the bench makes no WeCom calls)."""
    return {
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_SECRET_KEY": SECRET_KEY,
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        "PORTAL_LOG_LEVEL": "WARNING",
        "PORTAL_ADMINS": wecom.DEMO_ADMIN_USERID,
        "PORTAL_HR_DEPARTMENTS": str(wecom.DEMO_HR_DEPARTMENT_ID),
        "WECOM_CORP_ID": wecom.DEMO_CORP_ID,
        "WECOM_AGENT_ID": str(wecom.DEMO_AGENT_ID),
        "WECOM_SECRET": wecom.DEMO_SECRET,
        "WECOM_CALLBACK_TOKEN": wecom.DEMO_CALLBACK_TOKEN,
        "WECOM_CALLBACK_AES_KEY": wecom.DEMO_CALLBACK_AES_KEY,
        "WECOM_API_BASE": "http://127.0.0.1:9",
        "WECOM_OAUTH_BASE": "http://127.0.0.1:9",
        "WECOM_WEB_LOGIN_BASE": "http://127.0.0.1:9",
        "PLATFORM_API_BASE": platform_url,
        "PLATFORM_API_KEY": DEMO_API_KEY,
        "PLATFORM_WEBHOOK_SECRET": DEMO_WEBHOOK_SECRET,
    }


def serve_portal(port: int, database_url: str, platform_url: str) -> None:
    import uvicorn

    from portal.app import create_app
    from portal.settings import load_settings

    settings = load_settings(portal_environ(database_url, platform_url, port), env_file=None)
    app = create_app(settings, run_worker=False)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


@contextmanager
def child(arguments: list[str], ready_path: str) -> Iterator[str]:
    process, url = sandbox_process.start_child(__file__, arguments, ready_path=ready_path)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- seeding and booking ----------------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    """Who books, and each interview's draft."""

    hr: Actor
    drafts: list[InterviewDraft]


async def seed(db: Database, count: int) -> Cast:
    """HR, one position, and per interview a candidate and PANEL interviewers, all booked for
    the same hour tomorrow."""
    now = SYSTEM_CLOCK.now()
    starts = (now + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    slot = Slot.starting(starts, timedelta(hours=1))
    drafts = []
    async with db.transaction():
        booker, _ = await upsert_member(db, _profile("bench-hr"), role="hr", now=now)
        fields = PositionFields("Backend Engineer", "Engineering", None)
        position = await insert_position(db, fields, now=now)
        for n in range(count):
            panel = []
            for seat in range(PANEL):
                profile = _profile(f"bench{n:05d}-{seat}")
                person, _ = await upsert_member(db, profile, role="interviewer", now=now)
                panel.append(person.id)
            candidate = CandidateFields(f"候选人 {n:05d}", None, f"c{n}@example.com")
            candidate_id = await insert_candidate(db, candidate, now=now)
            drafts.append(_draft(candidate_id, position, slot, tuple(panel)))
    return Cast(Actor.person(booker, ActorKind.HR), drafts)


def _profile(userid: str) -> MemberProfile:
    return MemberProfile(userid, userid, None, (1,), None, f"{userid}@corp.example")


def _draft(
    candidate_id: int, position_id: int, slot: Slot, panel: tuple[int, ...]
) -> InterviewDraft:
    return InterviewDraft(
        candidate_id=candidate_id,
        new_candidate=None,
        position_id=position_id,
        round=1,
        slot=slot,
        timezone="Asia/Shanghai",
        interviewer_ids=panel,
        room_url=None,
        location=None,
        notes=None,
        candidate_prep=None,
        hide_interviewers=False,
        override=False,
        version=None,
        room_kind=RoomKind.TECHNICAL,
    )


async def book_all(
    db: Database, cast: Cast, policy: BookingPolicy
) -> tuple[float, dict[int, datetime]]:
    """Book every draft, IN_FLIGHT at a time: seconds taken, and when each booking returned."""
    gate = asyncio.Semaphore(IN_FLIGHT)
    returned: dict[int, datetime] = {}

    async def one(draft: InterviewDraft) -> None:
        async with gate:
            booked = await create(
                db, QUIET, draft, actor=cast.hr, now=SYSTEM_CLOCK.now(), policy=policy
            )
            returned[booked.id] = SYSTEM_CLOCK.now()

    started = time.perf_counter()
    await asyncio.gather(*(one(draft) for draft in cast.drafts))
    return time.perf_counter() - started, returned


# --- phase 1: the baseline --------------------------------------------------------------------


async def baseline(database_url: str, count: int) -> float:
    """Bookings per second without the room step."""
    db = Database(database_url, max_size=IN_FLIGHT + 4)
    await db.connect()
    try:
        cast = await seed(db, count)
        elapsed, _ = await book_all(db, cast, BookingPolicy(platform_rooms=False))
    finally:
        await db.disconnect()
    return count / elapsed


# --- phase 2: bookings with rooms, and the worker ---------------------------------------------


async def drain(worker: RoomWorker, db: Database, total: int) -> None:
    """The worker's own loop (`turn`, as its background job runs it) until every room is ready."""
    while (await room_counts(db)).get(READY, 0) < total:
        await worker.turn()


async def with_rooms(database_url: str, platform_url: str, count: int) -> dict[str, Any]:
    db = Database(database_url, max_size=IN_FLIGHT + 4)
    worker_db = Database(database_url)
    await db.connect()
    await worker_db.connect()
    try:
        cast = await seed(db, count)
        async with httpx.AsyncClient() as http:
            platform = PlatformClient(http, auth=ApiKeyAuth(DEMO_API_KEY), api_base=platform_url)
            pages = PortalPages("http://bench.invalid")
            worker = RoomWorker(worker_db, platform, QUIET, pages)
            first = SYSTEM_CLOCK.now()
            working = asyncio.create_task(drain(worker, worker_db, count))
            elapsed, returned = await book_all(db, cast, BookingPolicy(platform_rooms=True))
            await asyncio.wait_for(working, DEADLINE_S)
        query = sa.select(rooms.c.interview_id, rooms.c.updated_at).where(rooms.c.state == READY)
        ready = {row["interview_id"]: row["updated_at"] for row in await db.fetch_all(query)}
    finally:
        await worker_db.disconnect()
        await db.disconnect()
    waits = [(ready[key] - at).total_seconds() * 1000 for key, at in returned.items()]
    last = max(ready.values())
    made = httpx.get(f"{platform_url}/_control/rooms", timeout=30).json()["rooms"]
    return {
        "bookings_per_s": count / elapsed,
        "rooms_per_s": count / (last - first).total_seconds(),
        "p50_ms": percentile(waits, 0.50),
        "p99_ms": percentile(waits, 0.99),
        "rooms_made": len(made),
        "duplicates": len(made) - len({room["redirect_uri"] for room in made}),
    }


def percentile(values: list[float], share: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


# --- phase 3: webhooks ------------------------------------------------------------------------


async def in_flight(count: int, send: Callable[[int], Awaitable[httpx.Response]]) -> float:
    """`send(0..count-1)`, IN_FLIGHT at a time, each answered 200: seconds taken."""
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def one(n: int) -> None:
        async with gate:
            response = await send(n)
        if response.status_code != 200:
            raise SystemExit(f"request {n} answered {response.status_code}: {response.text}")

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(count)))
    return time.perf_counter() - started


def signed(uids: list[str]) -> list[bytes]:
    """Every room started, then every room ended with a rating."""
    ts = int(SYSTEM_CLOCK.timestamp())
    started = [webhook_body("interview_started", uid, ts=ts, tid=f"s-{uid}") for uid in uids]
    ended = [webhook_body("interview_ended", uid, ts=ts, tid=f"e-{uid}", rate=4) for uid in uids]
    return started + ended


async def all_applied(db: Database, events: int, count: int) -> None:
    applied = sa.select(sa.func.count()).where(platform_events.c.applied_at.is_not(None))
    completed = sa.select(sa.func.count()).where(interviews.c.status == "completed")
    while await db.fetch_val(applied) < events or await db.fetch_val(completed) < count:
        await asyncio.sleep(0.01)


async def webhooks(database_url: str, portal_url: str, count: int) -> dict[str, float]:
    db = Database(database_url)
    await db.connect()
    try:
        found = await db.fetch_all(sa.select(rooms.c.uid).order_by(rooms.c.interview_id))
        bodies = signed([row["uid"] for row in found])
        async with httpx.AsyncClient(base_url=portal_url, timeout=30) as http:
            health = await in_flight(len(bodies), lambda n: http.get("/healthz"))

            def post(n: int) -> Awaitable[httpx.Response]:
                headers = {
                    SIGNATURE_HEADER: sign(bodies[n], DEMO_WEBHOOK_SECRET),
                    "Content-Type": "application/json",
                }
                return http.post("/platform/webhook", content=bodies[n], headers=headers)

            started = time.perf_counter()
            await in_flight(len(bodies), post)
            await asyncio.wait_for(all_applied(db, len(bodies), count), DEADLINE_S)
            elapsed = time.perf_counter() - started
    finally:
        await db.disconnect()
    healthz_per_s, webhooks_per_s = len(bodies) / health, len(bodies) / elapsed
    return {
        "healthz_per_s": healthz_per_s,
        "webhooks_per_s": webhooks_per_s,
        "webhook_ratio": healthz_per_s / webhooks_per_s,
    }


# --- databases --------------------------------------------------------------------------------


def _admin(sql: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    admin = make_url(ADMIN_URL).set(drivername="postgresql").render_as_string(hide_password=False)

    async def execute() -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(execute())


@contextmanager
def fresh_databases(postgres: bool, folder: str) -> Iterator[Callable[[str], str]]:
    """A maker of fresh, migrated databases by name; temporary PostgreSQL ones are dropped."""
    from sqlalchemy.engine import make_url

    made: list[str] = []

    def make(name: str) -> str:
        if not postgres:
            url = f"sqlite:///{folder}/{name}.db"
        else:
            database = f"portal_bench_{name}_{secrets.token_hex(4)}"
            _admin(f'CREATE DATABASE "{database}"')
            made.append(database)
            url = make_url(ADMIN_URL).set(database=database).render_as_string(hide_password=False)
        upgrade(url)
        return url

    try:
        yield make
    finally:
        for database in made:
            _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


# --- main -------------------------------------------------------------------------------------


def measure(args: argparse.Namespace, folder: str) -> dict[str, Any]:
    count = args.interviews
    with fresh_databases(args.postgres, folder) as fresh:
        base = asyncio.run(baseline(fresh("baseline"), count))
        database_url = fresh("rooms")
        with child(["--app", "platform"], "/_control/stats") as platform_url:
            made = asyncio.run(with_rooms(database_url, platform_url, count))
            portal = ["--app", "portal", "--database", database_url, "--platform", platform_url]
            with child(portal, "/healthz") as portal_url:
                hooks = asyncio.run(webhooks(database_url, portal_url, count))
    return {
        "interviews": count,
        "database": "postgresql" if args.postgres else "sqlite",
        "baseline_bookings_per_s": round(base),
        "bookings_per_s": round(made["bookings_per_s"]),
        "booking_overhead": round(base / made["bookings_per_s"], 2),
        "rooms_per_s": round(made["rooms_per_s"]),
        "p50_ms": round(made["p50_ms"]),
        "p99_ms": round(made["p99_ms"]),
        "rooms_made": made["rooms_made"],
        "duplicates": made["duplicates"],
        "healthz_per_s": round(hooks["healthz_per_s"]),
        "webhooks_per_s": round(hooks["webhooks_per_s"]),
        "webhook_ratio": round(hooks["webhook_ratio"], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=500)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--app", choices=["platform", "portal"], help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--platform", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve and args.app == "platform":
        serve_platform(args.serve)
        return
    if args.serve:
        serve_portal(args.serve, args.database, args.platform)
        return
    with tempfile.TemporaryDirectory() as folder:
        results = measure(args, folder)
    print(TARGETS)
    for name, value in results.items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
