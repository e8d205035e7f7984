"""Claiming: atomic across concurrent claimers, leased, fenced, paced (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from portal.db.database import Database
from portal.db.outbox import enqueue, get_row, release, update_claimed
from portal.db.tables import outbox
from portal.notifications import kinds
from portal.notifications.claim import claim
from portal.notifications.pacing import WECOM_LIMITS
from tests.support.when import NOW


@pytest.fixture
def now() -> datetime:
    """A little after the rows are queued (at NOW)."""
    return NOW + timedelta(seconds=5)


async def _fill(
    db: Database, count: int, *, recipients: int | None = None, kind: str = kinds.CHANGED
) -> None:
    async with db.transaction():
        for i in range(count):
            recipient = f"user{i % (recipients or count):04d}"
            await enqueue(
                db, kind=kind, recipient=recipient, payload={}, dedupe=f"{kind}:{i}", now=NOW
            )


async def test_claim_concurrent_claimers_never_share_a_row(
    now: datetime, db: Database, db_url: str
) -> None:
    await _fill(db, 240)
    claimers = [Database(db_url) for _ in range(4)]
    for other in claimers:
        await other.connect()

    async def keep_claiming(other: Database, name: str) -> list[tuple[int, str]]:
        taken: list[tuple[int, str]] = []
        while rows := await claim(other, now=now, limit=7, lease=60, token=name):
            taken += [(row.id, name) for row in rows]
            await asyncio.sleep(0)
        return taken

    try:
        results = await asyncio.gather(
            *(keep_claiming(other, f"w{n}") for n, other in enumerate(claimers))
        )
    finally:
        for other in claimers:
            await other.disconnect()
    everything = [row_id for taken in results for row_id, _ in taken]
    assert len(everything) == len(set(everything)) == 240
    # Each row is held by the claimer that got it, and by no one else.
    owners = await db.fetch_all(sa.select(outbox.c.id, outbox.c.claimed_by))
    claimed = {row_id: name for taken in results for row_id, name in taken}
    assert {row["id"]: row["claimed_by"] for row in owners} == claimed


async def test_claim_leased_row_is_claimed_again_after_the_lease(
    now: datetime, db: Database
) -> None:
    await _fill(db, 3)
    first = await claim(db, now=now, limit=10, lease=30, token="dead-worker")
    assert len(first) == 3 and all(row.attempts == 1 for row in first)
    assert await claim(db, now=now + timedelta(seconds=29), limit=10, lease=30, token="b") == []
    again = await claim(db, now=now + timedelta(seconds=31), limit=10, lease=30, token="b")
    assert sorted(row.id for row in again) == sorted(row.id for row in first)
    assert all(row.attempts == 2 and row.claimed_by == "b" for row in again)


async def test_claim_late_worker_cannot_overwrite_the_new_claim(
    now: datetime, db: Database
) -> None:
    await _fill(db, 1)
    [old] = await claim(db, now=now, limit=1, lease=30, token="slow")
    await claim(db, now=now + timedelta(seconds=31), limit=1, lease=30, token="fresh")
    assert not await update_claimed(db, old.id, "slow", status="sent")
    assert await update_claimed(db, old.id, "fresh", status="sent", claimed_by=None)
    row = await get_row(db, old.id)
    assert row is not None and row.status == "sent"


async def test_claim_holds_rows_over_the_member_minute_cap(now: datetime, db: Database) -> None:
    await _fill(db, 35, recipients=1)
    rows = await claim(db, now=now, limit=50, lease=600, token="w")
    assert len(rows) == 30 and all(row.paced_at == now for row in rows)
    held = await db.fetch_all(sa.select(outbox).where(outbox.c.status == "pending"))
    assert len(held) == 5
    # Held until the thirty leave the member's minute window (a minute and WeCom's slack).
    assert WECOM_LIMITS.minute >= timedelta(seconds=60)
    assert {row["next_attempt_at"] for row in held} == {now + WECOM_LIMITS.minute}
    # A later claimer sees the 30 slots in the table, not in some process's memory.
    assert await claim(db, now=now + timedelta(seconds=30), limit=50, lease=600, token="x") == []
    later = await claim(db, now=now + timedelta(seconds=63), limit=50, lease=600, token="x")
    assert len(later) == 5


async def test_claim_tasks_are_not_paced(now: datetime, db: Database) -> None:
    await _fill(db, 40, recipients=1, kind=kinds.CARD_UPDATE)
    rows = await claim(db, now=now, limit=50, lease=30, token="w")
    assert len(rows) == 40 and all(row.paced_at is None for row in rows)


async def test_claim_skips_rows_not_yet_due(now: datetime, db: Database) -> None:
    await enqueue(
        db,
        kind=kinds.REMINDER,
        recipient="lina",
        payload={},
        dedupe="r",
        now=NOW,
        due_at=now + timedelta(minutes=5),
    )
    assert await claim(db, now=now, limit=5, lease=30, token="w") == []
    assert len(await claim(db, now=now + timedelta(minutes=5), limit=5, lease=30, token="w")) == 1


async def test_release_returns_rows_without_counting_the_attempt(
    now: datetime, db: Database
) -> None:
    await _fill(db, 2)
    rows = await claim(db, now=now, limit=5, lease=30, token="w")
    await release(db, rows)
    again = await claim(db, now=now, limit=5, lease=30, token="w2")
    assert [row.attempts for row in again] == [1, 1]
