"""Seed data for bench/pages.py: 100,000 interviews in SQLite, optionally copied to PostgreSQL.

SQLite gets batched stdlib `executemany`; PostgreSQL gets the same rows through asyncpg's
`executemany`, typed, in batches (no COPY). 50 interviews start today in `ZONE`, every
15 minutes from 08:00, with no overlaps; the random history's overlaps are HR overrides.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

from portal.scheduling import local_date, local_to_utc

ZONE = "Asia/Shanghai"
TODAY_COUNT = 50
HR_ID = 1
BATCH = 5000


def _ts(moment: datetime) -> str:
    # How SQLAlchemy's SQLite DATETIME stores the naive-UTC values of UTCDateTime.
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def today_starts(today: date) -> list[datetime]:
    first = local_to_utc(datetime.combine(today, clock(8)), ZONE)
    return [first + timedelta(minutes=15 * n) for n in range(TODAY_COUNT)]


def _other_starts(today: date, count: int, rng: random.Random) -> list[datetime]:
    base = local_to_utc(datetime.combine(today, clock(9)), ZONE)
    days = [d for d in range(-500, 500) if d != 0]
    return [
        base + timedelta(days=rng.choice(days), minutes=15 * rng.randrange(40))
        for _ in range(count)
    ]


def seed(path: Path, interviews: int) -> None:
    from portal.db.migrate import upgrade

    upgrade(f"sqlite:///{path}")
    rng, now = random.Random(5), _ts(datetime.now(UTC))
    today = local_date(datetime.now(UTC), ZONE)
    starts = today_starts(today) + _other_starts(today, interviews - TODAY_COUNT, rng)
    statuses = ["scheduled", "confirmed", "completed", "in_progress"]
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO people (id, wecom_userid, name, english_name, department_ids, role,"
            " active, blocked, digest_opt_in, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, '[]', ?, 1, 0, 0, ?, ?)",
            [
                (
                    n,
                    f"bench{n}",
                    f"面试官{n}",
                    f"Person {n}",
                    "hr" if n == HR_ID else "interviewer",
                    now,
                    now,
                )
                for n in range(1, 42)
            ],  # fmt: skip
        )
        conn.executemany(
            "INSERT INTO positions (id, title, active, created_at, updated_at)"
            " VALUES (?, ?, 1, ?, ?)",
            [(n, f"Position {n}", now, now) for n in range(1, 11)],
        )
        conn.executemany(
            "INSERT INTO candidates (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [(n, f"候选人{n}", now, now) for n in range(1, 20_001)],
        )
        rows, panel = [], []
        for n, start in enumerate(starts, start=1):
            end = start + timedelta(minutes=45)
            rows.append(
                (n, 1 + n % 20_000, 1 + n % 10, 1 + n % 3, _ts(start), _ts(end), ZONE,
                 "https://meet.example.com/r", statuses[n % 4], HR_ID, now, now)
            )  # fmt: skip
            # Random history overlaps now and then: recorded as HR overrides, as the app would.
            override = int(n > TODAY_COUNT)
            panel.append((n, 2 + n % 40, _ts(start), _ts(end), "accepted", override))
            if n % 2:
                panel.append((n, 2 + (n + 7) % 40, _ts(start), _ts(end), "pending", override))
        for chunk in range(0, len(rows), BATCH):
            conn.executemany(
                "INSERT INTO interviews (id, candidate_id, position_id, round, starts_at, ends_at,"
                " timezone, room_url, status, created_by, created_at, updated_at, version,"
                " hide_interviewers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0)",
                rows[chunk : chunk + BATCH],
            )
        for chunk in range(0, len(panel), BATCH):
            conn.executemany(
                "INSERT INTO interview_interviewers (interview_id, person_id, starts_at, ends_at,"
                " rsvp, overlap_override, active, holds_slot) VALUES (?, ?, ?, ?, ?, ?, 1, 1)",
                panel[chunk : chunk + BATCH],
            )
        # Every booking published a live event (a running system's feed is never empty).
        an_hour_ago = _ts(datetime.now(UTC) - timedelta(hours=1))
        conn.executemany(
            "INSERT INTO live_events (interview_id, kind, created_at) VALUES (?, 'created', ?)",
            [(n, an_hour_ago) for n in range(1, TODAY_COUNT + 1)],
        )
        conn.execute("ANALYZE")


def pg_dsn(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def copy_to_postgres(sqlite_path: Path, url: str) -> None:
    """Batched `executemany` of the SQLite seed into PostgreSQL (same rows, typed)."""
    import asyncpg

    conn = await asyncpg.connect(pg_dsn(url))
    try:
        with sqlite3.connect(sqlite_path) as source:
            for table, casts in _PG_TABLES.items():
                cursor = source.execute(f"SELECT {', '.join(casts)} FROM {table}")
                columns = ", ".join(casts)
                marks = ", ".join(f"${n}" for n in range(1, len(casts) + 1))
                statement = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
                while batch := cursor.fetchmany(BATCH):
                    await conn.executemany(statement, [_typed(row, casts) for row in batch])
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def _typed(row: tuple[Any, ...], casts: dict[str, str]) -> tuple[Any, ...]:
    values = []
    for value, kind in zip(row, casts.values(), strict=True):
        if kind == "ts" and value is not None:
            value = datetime.fromisoformat(value).replace(tzinfo=UTC)
        elif kind == "bool":
            value = bool(value)
        values.append(value)
    return tuple(values)


_PEOPLE = ("id", "wecom_userid", "name", "english_name", "department_ids", "role", "active",
           "blocked", "digest_opt_in", "created_at", "updated_at")  # fmt: skip
_PG_TABLES: dict[str, dict[str, str]] = {
    "people": {c: {"active": "bool", "blocked": "bool", "digest_opt_in": "bool"}.get(
        c, "ts" if c.endswith("_at") else "") for c in _PEOPLE},
    "positions": {"id": "", "title": "", "active": "bool", "created_at": "ts", "updated_at": "ts"},
    "candidates": {"id": "", "name": "", "created_at": "ts", "updated_at": "ts"},
    "interviews": {"id": "", "candidate_id": "", "position_id": "", "round": "", "starts_at": "ts",
                   "ends_at": "ts", "timezone": "", "room_url": "", "status": "", "created_by": "",
                   "created_at": "ts", "updated_at": "ts", "version": "",
                   "hide_interviewers": "bool"},
    "live_events": {"id": "", "interview_id": "", "kind": "", "created_at": "ts"},
    "interview_interviewers": {"interview_id": "", "person_id": "", "starts_at": "ts",
                               "ends_at": "ts", "rsvp": "", "overlap_override": "bool",
                               "active": "bool", "holds_slot": "bool"},
}  # fmt: skip


@contextlib.contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A fresh, migrated database for this run on the server at `admin_url`; dropped after."""
    import asyncpg
    from sqlalchemy.engine import make_url

    from portal.db.migrate import upgrade

    name = f"portal_bench_{os.getpid()}"

    async def run(statement: str) -> None:
        conn = await asyncpg.connect(pg_dsn(admin_url))
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
