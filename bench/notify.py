"""Notifications through outbox → worker → WeCom sandbox, to many recipients.

    python bench/notify.py [--notifications 3000] [--members 1000] [--postgres]

The sandbox runs in a child process with a generated company (WeCom caps each member at 30
messages a minute, so the load is spread over `--members` people, three reminders each).
One `OutboxWorker` (default settings: batches of 64, eight sends in flight) runs on a fresh,
migrated SQLite file (or a temporary PostgreSQL database with `--postgres`).

- Baseline: the same WeCom client sending the same number of cards straight to the sandbox,
  as many at a time as the worker sends, with no outbox (the ceiling the worker can approach).
- Burst: every notification is enqueued first; `per_s` is rows sent per second of worker time.
- Latency: notifications are then enqueued at a steady rate (half the burst rate, a few
  seconds long) while the worker runs; `p50_ms` / `p99_ms` are enqueue → delivery, the
  delivery time as the sandbox records it.

Last lines: `baseline_per_s`, `per_s`, `ratio`, `p50_ms`, `p99_ms`, `gettoken`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sandbox_process  # bench/sandbox_process.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from portal.clock import SYSTEM_CLOCK  # noqa: E402
from portal.db.database import Database  # noqa: E402
from portal.db.migrate import upgrade  # noqa: E402
from portal.db.outbox import dedupe_key, enqueue  # noqa: E402
from portal.db.people import MemberProfile, upsert_member  # noqa: E402
from portal.db.tables import (  # noqa: E402
    candidates,
    interview_interviewers,
    interviews,
    outbox,
    positions,
)
from portal.db.tokens import DatabaseTokenStore  # noqa: E402
from portal.i18n import Catalogs  # noqa: E402
from portal.notifications.prepare import Delivery  # noqa: E402
from portal.notifications.worker import OutboxWorker, WorkerConfig  # noqa: E402
from portal.wecom import (  # noqa: E402
    CardLink,
    CardTitle,
    TextNoticeCard,
    WeComClient,
)
from portal.wecom.sandbox import (  # noqa: E402
    DEMO_AGENT_ID,
    DEMO_CORP_ID,
    DEMO_SECRET,
    Department,
    Member,
    Org,
    SandboxConfig,
    create_sandbox_app,
)

PANEL = 20  # interviewers per interview
ADMIN_URL = os.environ.get("PORTAL_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")


def userids(members: int) -> list[str]:
    return [f"bench{i:05d}" for i in range(members)]


def serve(port: int, members: int) -> None:
    import uvicorn

    people = tuple(Member(u, u, u, (1,), "Interviewer") for u in userids(members))
    org = Org(departments=(Department(1, "Bench Corp", "Bench Corp", 0),), members=people)
    app = create_sandbox_app(SandboxConfig(org=org))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


async def seed(db: Database, members: int) -> dict[str, int]:
    """People, and interviews a day ahead with PANEL interviewers each; userid -> interview."""
    now = datetime.now(UTC)
    stamps = {"created_at": now, "updated_at": now}
    starts = now + timedelta(days=1)
    interview_of: dict[str, int] = {}
    async with db.transaction():
        people = {}
        for userid in userids(members):
            profile = MemberProfile(userid, userid, None, (1,), None, None)
            person, _ = await upsert_member(db, profile, role="interviewer", now=now)
            people[userid] = person.id
        for first in range(0, members, PANEL):
            candidate = await db.execute(candidates.insert().values(name="王五", **stamps))
            position = await db.execute(positions.insert().values(title="Backend", **stamps))
            interview = await db.execute(
                interviews.insert().values(
                    candidate_id=candidate,
                    position_id=position,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=1),
                    timezone="Asia/Shanghai",
                    **stamps,
                )
            )
            for userid in userids(members)[first : first + PANEL]:
                interview_of[userid] = interview
                await db.execute(
                    interview_interviewers.insert().values(
                        interview_id=interview,
                        person_id=people[userid],
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=1),
                    )
                )
    return interview_of


async def enqueue_many(db: Database, interview_of: dict[str, int], start: int, count: int) -> None:
    recipients = list(interview_of)
    async with db.transaction():
        for n in range(start, start + count):
            userid = recipients[n % len(recipients)]
            interview = interview_of[userid]
            await enqueue(
                db,
                kind="reminder",
                recipient=userid,
                payload={"interview_id": interview, "version": n},
                dedupe=dedupe_key("reminder", interview, userid, n),
                now=SYSTEM_CLOCK.now(),
                interview_id=interview,
            )


async def baseline(client: WeComClient, members: int, count: int) -> float:
    """Cards straight to the sandbox, as many in flight as the worker, no outbox: per second."""
    recipients = userids(members)
    gate = asyncio.Semaphore(WorkerConfig().concurrency)

    async def one(n: int) -> None:
        card = TextNoticeCard(
            main_title=CardTitle(title="Interview starts soon", desc="王五 · Backend"),
            card_action=CardLink(type=1, url="http://portal.bench/mine/1"),
            task_id=f"baseline-{n}-{secrets.token_hex(4)}",
        )
        async with gate:
            await client.message.send(card, touser=recipients[n % len(recipients)])

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(count)))
    return count / (time.perf_counter() - started)


async def sent_count(db: Database) -> int:
    query = sa.select(sa.func.count()).select_from(outbox).where(outbox.c.status == "sent")
    return int(await db.fetch_val(query) or 0)


async def drain(worker: OutboxWorker, db: Database, total: int, stop: asyncio.Event) -> None:
    while await sent_count(db) < total and not stop.is_set():
        await worker.turn()


async def steady(
    worker: OutboxWorker, db: Database, interview_of: dict[str, int], sent: int, rate: float
) -> None:
    """Enqueue at `rate` per second for about four seconds while the worker runs."""
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    count, tick = int(rate * 4), 0.05
    per_tick = max(1, int(rate * tick))
    for start in range(sent, sent + count, per_tick):
        await enqueue_many(db, interview_of, start, min(per_tick, sent + count - start))
        await asyncio.sleep(tick)
    while await sent_count(db) < sent + count:
        await asyncio.sleep(0.05)
    stop.set()
    await running


def delivery_times(url: str) -> dict[str, float]:
    messages = httpx.get(f"{url}/_control/messages", timeout=30).json()["messages"]
    return {m["msgid"]: float(m["time"]) for m in messages}


async def run(args: argparse.Namespace, url: str, database_url: str) -> dict[str, Any]:
    db = Database(database_url, max_size=20)
    await db.connect()
    try:
        async with httpx.AsyncClient() as http:
            client = WeComClient(
                http,
                corp_id=DEMO_CORP_ID,
                corp_secret=DEMO_SECRET,
                agent_id=DEMO_AGENT_ID,
                token_store=DatabaseTokenStore(db),
                api_base=url,
            )
            base = await baseline(client, args.members, args.notifications)
            interview_of = await seed(db, args.members)
            await enqueue_many(db, interview_of, 0, args.notifications)
            delivery = Delivery(db, client, Catalogs(), "http://portal.bench", "Asia/Shanghai")
            worker = OutboxWorker(delivery)
            started = time.perf_counter()
            await drain(worker, db, args.notifications, asyncio.Event())
            per_s = args.notifications / (time.perf_counter() - started)
            rows_before = args.notifications
            await steady(worker, db, interview_of, rows_before, per_s / 2)
            rows = await db.fetch_all(
                sa.select(outbox.c.msgid, outbox.c.created_at).where(
                    outbox.c.id > rows_before, outbox.c.status == "sent"
                )
            )
    finally:
        await db.disconnect()
    delivered = delivery_times(url)
    waits = sorted(
        (delivered[row["msgid"]] - row["created_at"].timestamp()) * 1000
        for row in rows
        if row["msgid"] in delivered
    )
    stats = httpx.get(f"{url}/_control/stats", timeout=5).json()
    return {
        "notifications": args.notifications,
        "recipients": args.members,
        "baseline_per_s": round(base),
        "per_s": round(per_s),
        "ratio": round(per_s / base, 2),
        "p50_ms": round(statistics.median(waits)),
        "p99_ms": round(waits[max(0, int(len(waits) * 0.99) - 1)]),
        "gettoken": int(stats["calls"].get("gettoken", 0)),
    }


def sqlite_url(folder: str) -> str:
    url = f"sqlite:///{folder}/bench.db"
    upgrade(url)
    return url


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


def postgres_url() -> tuple[str, str]:
    from sqlalchemy.engine import make_url

    name = f"portal_bench_{secrets.token_hex(4)}"
    _admin(f'CREATE DATABASE "{name}"')
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    return url, name


def drop_postgres(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notifications", type=int, default=3000)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.members)
        return
    child, url = sandbox_process.start(__file__, args.members)
    dropped = None
    try:
        with tempfile.TemporaryDirectory() as folder:
            if args.postgres:
                database_url, dropped = postgres_url()
            else:
                database_url = sqlite_url(folder)
            results = asyncio.run(run(args, url, database_url))
    finally:
        child.terminate()
        child.wait(timeout=10)
        if dropped:
            drop_postgres(dropped)
    for name, value in results.items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
