"""Queries over the outbox: rows for the admin page, dead letters, and fenced result writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database, Row
from portal.db.tables import outbox

STATUSES = ("pending", "sending", "sent", "dead", "cancelled")


@dataclass(frozen=True)
class OutboxRow:
    id: int
    kind: str
    recipient: str
    interview_id: int | None
    payload: dict[str, Any]
    dedupe_key: str
    status: str
    attempts: int
    next_attempt_at: datetime
    lease_until: datetime | None
    last_error: str | None
    last_errcode: int | None
    msgid: str | None
    failed_recipients: str | None
    sent_at: datetime | None
    created_at: datetime
    claimed_by: str | None
    paced_at: datetime | None


def outbox_row(row: Row) -> OutboxRow:
    values = {name: row[name] for name in OutboxRow.__dataclass_fields__}
    values["payload"] = dict(values["payload"] or {})
    return OutboxRow(**values)


@dataclass(frozen=True)
class OutboxFilter:
    status: str | None = None
    kind: str | None = None
    recipient: str | None = None

    def condition(self) -> sa.ColumnElement[bool]:
        parts: list[sa.ColumnElement[bool]] = []
        if self.status:
            parts.append(outbox.c.status == self.status)
        if self.kind:
            parts.append(outbox.c.kind == self.kind)
        if self.recipient:
            parts.append(outbox.c.recipient == self.recipient)
        return sa.and_(sa.true(), *parts)


@dataclass(frozen=True)
class OutboxPage:
    rows: list[OutboxRow]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


async def get_row(db: Database, row_id: int) -> OutboxRow | None:
    row = await db.fetch_one(sa.select(outbox).where(outbox.c.id == row_id))
    return outbox_row(row) if row else None


async def status_counts(db: Database) -> dict[str, int]:
    """Rows per status, every status present (zero when none)."""
    rows = await db.fetch_all(
        sa.select(outbox.c.status, sa.func.count().label("n")).group_by(outbox.c.status)
    )
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({row["status"]: int(row["n"]) for row in rows})
    return counts


async def dead_letter_count(db: Database) -> int:
    """How many messages are parked as dead letters (the HR board warns when > 0)."""
    count = await db.fetch_val(
        sa.select(sa.func.count()).select_from(outbox).where(outbox.c.status == "dead")
    )
    return int(count or 0)


async def list_rows(
    db: Database, where: OutboxFilter, *, page: int = 1, per_page: int = 50
) -> OutboxPage:
    condition = where.condition()
    total = await db.fetch_val(sa.select(sa.func.count()).select_from(outbox).where(condition))
    rows = await db.fetch_all(
        sa.select(outbox)
        .where(condition)
        .order_by(outbox.c.id.desc())
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    )
    return OutboxPage([outbox_row(r) for r in rows], page, per_page, int(total or 0))


async def next_due_at(db: Database) -> datetime | None:
    """The earliest moment a pending row comes due, or a lease runs out."""
    pending = await db.fetch_val(
        sa.select(sa.func.min(outbox.c.next_attempt_at)).where(outbox.c.status == "pending")
    )
    leased = await db.fetch_val(
        sa.select(sa.func.min(outbox.c.lease_until)).where(outbox.c.status == "sending")
    )
    moments = [_aware(value) for value in (pending, leased) if value is not None]
    return min(moments) if moments else None


def _aware(value: Any) -> datetime:
    # Aggregates lose the column type on SQLite: naive UTC text comes back.
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, got {type(moment).__name__}")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


async def update_claimed(db: Database, row_id: int, claim: str, **values: Any) -> bool:
    """Write a result only while `claim` still holds the row; False when another took it."""
    condition = sa.and_(
        outbox.c.id == row_id, outbox.c.claimed_by == claim, outbox.c.status == "sending"
    )
    held = await db.fetch_val(sa.select(outbox.c.id).where(condition))
    if held is None:
        return False
    await db.execute(outbox.update().where(condition).values(**values))
    return True


async def mark_sent_many(
    db: Database, msgids: dict[int, str | None], claim: str, *, now: datetime
) -> None:
    """Mark many rows of one claim sent in one statement (rows another claim took are left)."""
    if not msgids:
        return
    await db.execute(
        outbox.update()
        .where(
            outbox.c.id.in_(list(msgids)),
            outbox.c.claimed_by == claim,
            outbox.c.status == "sending",
        )
        .values(
            status="sent",
            sent_at=now,
            msgid=sa.case(msgids, value=outbox.c.id),
            lease_until=None,
            claimed_by=None,
        )
    )


async def retry_dead(db: Database, row_id: int, *, now: datetime) -> bool:
    """Put a dead letter back in the queue with fresh attempts; False unless it was dead."""
    return await _from_dead(
        db, row_id, status="pending", attempts=0, next_attempt_at=now, paced_at=None
    )


async def discard_dead(db: Database, row_id: int, *, reason: str) -> bool:
    """Give up on a dead letter for good; False unless it was dead."""
    return await _from_dead(db, row_id, status="cancelled", last_error=reason)


async def _from_dead(db: Database, row_id: int, **values: Any) -> bool:
    condition = sa.and_(outbox.c.id == row_id, outbox.c.status == "dead")
    if await db.fetch_val(sa.select(outbox.c.id).where(condition)) is None:
        return False
    await db.execute(outbox.update().where(condition).values(**values))
    return True
