"""Claiming due outbox rows atomically, with a lease, and pacing them per recipient.

One claim is one transaction. SQLite's write lock (taken first by `Database.transaction`)
serialises claimers; on PostgreSQL a transaction-level advisory lock does, and the candidate
rows are read `FOR UPDATE SKIP LOCKED`, so rows another transaction holds (a reschedule
cancelling reminders) are passed over rather than waited for. Serialising claimers is what
makes the per-recipient count exact across workers; a claim is a few short statements
(`portal.db.outbox`).

A claimed row is `sending` with `lease_until` and `claimed_by`. A worker that dies leaves its
rows `sending`; once the lease runs out they are claimable again. Results are written only
under the claim (`update_claimed`), so a worker that outlived its lease changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from portal.db import outbox
from portal.db.database import Database
from portal.db.outbox import OutboxRow
from portal.notifications.kinds import MESSAGE_KINDS
from portal.notifications.pacing import WECOM_LIMITS, Limits, plan


async def _history(
    db: Database, rows: Sequence[OutboxRow], now: datetime, limits: Limits
) -> dict[str, list[datetime]]:
    """Recent send slots of the recipients that could reach a limit in this claim."""
    wanted = Counter(row.recipient for row in rows)
    if not wanted:
        return {}
    hour_ago = now - limits.hour
    counts = await outbox.recent_sends(
        db, list(wanted), minute_since=now - limits.minute, hour_since=hour_ago
    )
    # Most recipients are far from a limit: only the busy ones need their timestamps.
    busy = [
        recipient
        for recipient, sent in counts.items()
        if sent.minute + wanted[recipient] > limits.per_minute
        or sent.hour + wanted[recipient] > limits.per_hour
    ]
    return await outbox.paced_since(db, busy, hour_ago) if busy else {}


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
        await outbox.serialise_claims(db)
        rows = await outbox.due_rows(db, now=now, limit=limit)
        messages = [row for row in rows if row.kind in MESSAGE_KINDS]
        schedule = plan(
            [(row.id, row.recipient) for row in messages],
            await _history(db, messages, now, limits),
            now,
            limits,
        )
        going = set(schedule.go)
        await outbox.take(db, schedule.go, token=token, now=now, lease=lease, paced=True)
        tasks = [row.id for row in rows if row.kind not in MESSAGE_KINDS]
        await outbox.take(db, tasks, token=token, now=now, lease=lease, paced=False)
        await outbox.hold(db, schedule.held)
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
