"""Claiming due outbox rows atomically, with a lease, and pacing them per recipient.

One claim is one transaction. SQLite's write lock (taken first by `Database.transaction`)
serialises claimers; on PostgreSQL a transaction-level advisory lock does, and the candidate
rows are read `FOR UPDATE SKIP LOCKED`, so rows another transaction holds (a reschedule
cancelling reminders) are passed over rather than waited for. Serialising claimers is what
makes the per-recipient count exact across workers; a claim is a few short statements.

A claimed row is `sending` with `lease_until` and `claimed_by`. A worker that dies leaves its
rows `sending`; once the lease runs out they are claimable again. Results are written only
under the claim (`update_claimed`), so a worker that outlived its lease changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.outbox import OutboxRow, outbox_row
from portal.db.tables import outbox
from portal.notifications.kinds import MESSAGE_KINDS
from portal.notifications.pacing import WECOM_LIMITS, Limits, plan

# pg_advisory_xact_lock key: "outbox claim" (any constant the application owns).
CLAIM_LOCK = 0x6F7574626F78


def _due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(outbox.c.status == "pending", outbox.c.next_attempt_at <= now),
        sa.and_(outbox.c.status == "sending", outbox.c.lease_until < now),
    )


async def _candidates(db: Database, now: datetime, limit: int) -> list[OutboxRow]:
    query = (
        sa.select(outbox)
        .where(_due(now))
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
        .limit(limit)
    )
    if db.is_postgres:
        query = query.with_for_update(skip_locked=True)
    return [outbox_row(row) for row in await db.fetch_all(query)]


async def _history(
    db: Database, rows: Sequence[OutboxRow], now: datetime, limits: Limits
) -> dict[str, list[datetime]]:
    """Recent send slots of the recipients that could reach a limit in this claim."""
    wanted = Counter(row.recipient for row in rows)
    if not wanted:
        return {}
    minute_ago, hour_ago = now - limits.minute, now - limits.hour
    recent = sa.and_(outbox.c.recipient.in_(list(wanted)), outbox.c.paced_at > hour_ago)
    counts = await db.fetch_all(
        sa.select(
            outbox.c.recipient,
            sa.func.count().label("hour"),
            sa.func.count(sa.case((outbox.c.paced_at > minute_ago, outbox.c.id))).label("minute"),
        )
        .where(recent)
        .group_by(outbox.c.recipient)
    )
    # Most recipients are far from a limit: only the busy ones need their timestamps.
    busy = [
        row["recipient"]
        for row in counts
        if int(row["minute"] or 0) + wanted[row["recipient"]] > limits.per_minute
        or int(row["hour"]) + wanted[row["recipient"]] > limits.per_hour
    ]
    history: dict[str, list[datetime]] = defaultdict(list)
    if busy:
        stamps = await db.fetch_all(
            sa.select(outbox.c.recipient, outbox.c.paced_at).where(
                outbox.c.recipient.in_(busy), outbox.c.paced_at > hour_ago
            )
        )
        for row in stamps:
            history[row["recipient"]].append(row["paced_at"])
    return history


async def _take(
    db: Database, ids: list[int], *, token: str, now: datetime, lease: float, paced: bool
) -> None:
    if not ids:
        return
    values: dict[str, object] = {
        "status": "sending",
        "claimed_by": token,
        "lease_until": now + timedelta(seconds=lease),
        "attempts": outbox.c.attempts + 1,
    }
    if paced:
        values["paced_at"] = now
    await db.execute(outbox.update().where(outbox.c.id.in_(ids)).values(**values))


async def _hold(db: Database, held: dict[int, datetime]) -> None:
    for row_id, until in held.items():
        await db.execute(
            outbox.update()
            .where(outbox.c.id == row_id)
            .values(status="pending", next_attempt_at=until, lease_until=None, claimed_by=None)
        )


async def claim(
    db: Database,
    *,
    now: datetime,
    limit: int,
    lease: float,
    token: str,
    limits: Limits = WECOM_LIMITS,
) -> list[OutboxRow]:
    """Claim up to `limit` due rows for `token`; rows over a member's cap are held instead."""
    async with db.transaction():
        if db.is_postgres:
            await db.execute(sa.select(sa.func.pg_advisory_xact_lock(CLAIM_LOCK)))
        rows = await _candidates(db, now, limit)
        messages = [row for row in rows if row.kind in MESSAGE_KINDS]
        schedule = plan(
            [(row.id, row.recipient) for row in messages],
            await _history(db, messages, now, limits),
            now,
            limits,
        )
        going = set(schedule.go)
        await _take(db, schedule.go, token=token, now=now, lease=lease, paced=True)
        tasks = [row.id for row in rows if row.kind not in MESSAGE_KINDS]
        await _take(db, tasks, token=token, now=now, lease=lease, paced=False)
        await _hold(db, schedule.held)
    return [
        dataclasses.replace(
            row,
            status="sending",
            claimed_by=token,
            lease_until=now + timedelta(seconds=lease),
            attempts=row.attempts + 1,
            paced_at=now if row.id in going else row.paced_at,
        )
        for row in rows
        if row.id in going or row.kind not in MESSAGE_KINDS
    ]


async def release(db: Database, rows: Sequence[OutboxRow]) -> None:
    """Give claimed, unsent rows back untouched (shutdown): the attempt does not count."""
    for row in rows:
        await db.execute(
            outbox.update()
            .where(outbox.c.id == row.id, outbox.c.claimed_by == row.claimed_by)
            .values(
                status="pending",
                attempts=outbox.c.attempts - 1,
                lease_until=None,
                claimed_by=None,
                paced_at=None,
            )
        )
