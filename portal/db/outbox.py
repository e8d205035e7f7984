"""Queries over the outbox: queueing, claiming, fenced result writes, the admin page.

Domain actions queue rows (`enqueue`) in the same transaction as the change they announce;
the worker sends them. A row's `dedupe_key` names (event, interview, recipient, interview
version), so repeating an action can never send twice.

The claim statements (`serialise_claims` to `hold`) run inside the one transaction that
`portal.notifications.claim.claim` opens; its docstring explains the locking.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database, Row
from portal.db.listing import Page, contains_any, offset_of
from portal.db.tables import candidates, interviews, outbox, people
from portal.db.types import aware_utc
from portal.logs import REQUEST_ID

STATUSES = ("pending", "sending", "sent", "dead", "cancelled")
# The admin page splits "pending" by time: a row never tried whose moment has not come yet
# (a reminder for tomorrow) is "scheduled"; the rest are "due" (now, or after a backoff).
LISTED_STATUSES = ("due", "scheduled", "sending", "sent", "dead", "cancelled")
# pg_advisory_xact_lock key: "outbox claim" (any constant the application owns).
CLAIM_LOCK = 0x6F7574626F78


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
    request_id: str | None = None


def outbox_row(row: Row) -> OutboxRow:
    values = {name: row[name] for name in OutboxRow.__dataclass_fields__}
    values["payload"] = dict(values["payload"] or {})
    return OutboxRow(**values)


def _scheduled(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        outbox.c.status == "pending", outbox.c.attempts == 0, outbox.c.next_attempt_at > now
    )


def _listed(status: str, now: datetime) -> sa.ColumnElement[bool]:
    if status == "scheduled":
        return _scheduled(now)
    if status == "due":
        return sa.and_(outbox.c.status == "pending", sa.not_(_scheduled(now)))
    return outbox.c.status == status


def listed_status(row: OutboxRow, now: datetime) -> str:
    """The row's status as the admin page lists it (see `LISTED_STATUSES`)."""
    if row.status != "pending":
        return row.status
    return "scheduled" if row.attempts == 0 and row.next_attempt_at > now else "due"


def _recipient_is(value: str) -> sa.ColumnElement[bool]:
    """The userid itself, or anyone whose name contains `value` (HR knows names, not ids)."""
    named = sa.select(people.c.wecom_userid).where(
        contains_any(value, people.c.name, people.c.english_name)
    )
    return sa.or_(outbox.c.recipient == value, outbox.c.recipient.in_(named))


@dataclass(frozen=True)
class OutboxFilter:
    status: str | None = None  # one of LISTED_STATUSES
    kind: str | None = None
    recipient: str | None = None

    def condition(self, now: datetime) -> sa.ColumnElement[bool]:
        parts: list[sa.ColumnElement[bool]] = []
        if self.status:
            parts.append(_listed(self.status, now))
        if self.kind:
            parts.append(outbox.c.kind == self.kind)
        if self.recipient:
            parts.append(_recipient_is(self.recipient))
        return sa.and_(sa.true(), *parts)


def dedupe_key(kind: str, *parts: object) -> str:
    """e.g. dedupe_key("invited", interview_id, userid, version) -> "invited:42:zhangwei:3"."""
    return ":".join([kind, *(str(part) for part in parts)])[:255]


async def enqueue(
    db: Database,
    *,
    kind: str,
    recipient: str,
    payload: Mapping[str, Any],
    dedupe: str,
    now: datetime,
    due_at: datetime | None = None,
    interview_id: int | None = None,
) -> bool:
    """Add one message for `recipient` (a WeCom userid); False if `dedupe` was already queued.

    Call inside the transaction that makes the change it announces.
    """
    exists = await db.fetch_val(sa.select(outbox.c.id).where(outbox.c.dedupe_key == dedupe))
    if exists is not None:
        return False
    await db.execute(
        outbox.insert().values(
            kind=kind,
            recipient=recipient,
            interview_id=interview_id,
            payload=dict(payload),
            dedupe_key=dedupe,
            status="pending",
            attempts=0,
            next_attempt_at=due_at or now,
            created_at=now,
            request_id=REQUEST_ID.get(),  # the request (or send) that caused it, for the logs
        )
    )
    return True


async def cancel_pending(
    db: Database, *, interview_id: int, kinds: Sequence[str], recipient: str | None = None
) -> int:
    """Withdraw rows not sent yet (reminders after a reschedule or cancellation)."""
    condition = sa.and_(
        outbox.c.interview_id == interview_id,
        outbox.c.status == "pending",
        outbox.c.kind.in_(list(kinds)),
    )
    if recipient is not None:
        condition = sa.and_(condition, outbox.c.recipient == recipient)
    count = await db.fetch_val(sa.select(sa.func.count()).select_from(outbox).where(condition))
    await db.execute(outbox.update().where(condition).values(status="cancelled"))
    return int(count or 0)


async def bring_forward(db: Database, *, interview_id: int, kind: str, at: datetime) -> int:
    """Make pending rows of `kind` due at `at` if they were due later (feedback asked early)."""
    condition = sa.and_(
        outbox.c.interview_id == interview_id,
        outbox.c.status == "pending",
        outbox.c.kind == kind,
        outbox.c.next_attempt_at > at,
    )
    count = await db.fetch_val(sa.select(sa.func.count()).select_from(outbox).where(condition))
    await db.execute(outbox.update().where(condition).values(next_attempt_at=at))
    return int(count or 0)


async def serialise_claims(db: Database) -> None:
    """Make this transaction's claim wait for any other (SQLite's write lock already does)."""
    if db.is_postgres:
        await db.execute(sa.select(sa.func.pg_advisory_xact_lock(CLAIM_LOCK)))


def _due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(outbox.c.status == "pending", outbox.c.next_attempt_at <= now),
        sa.and_(outbox.c.status == "sending", outbox.c.lease_until < now),
    )


async def due_rows(db: Database, *, now: datetime, limit: int) -> list[OutboxRow]:
    """Up to `limit` rows due now (pending, or leased out and expired), oldest due first."""
    query = (
        sa.select(outbox)
        .where(_due(now))
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
        .limit(limit)
    )
    if db.is_postgres:
        query = query.with_for_update(skip_locked=True)
    return [outbox_row(row) for row in await db.fetch_all(query)]


@dataclass(frozen=True)
class RecentSends:
    minute: int
    hour: int


async def recent_sends(
    db: Database, recipients: Sequence[str], *, minute_since: datetime, hour_since: datetime
) -> dict[str, RecentSends]:
    """How many send slots each recipient took since each moment (absent: none in the hour)."""
    rows = await db.fetch_all(
        sa.select(
            outbox.c.recipient,
            sa.func.count().label("hour"),
            sa.func.count(sa.case((outbox.c.paced_at > minute_since, outbox.c.id))).label("minute"),
        )
        .where(outbox.c.recipient.in_(list(recipients)), outbox.c.paced_at > hour_since)
        .group_by(outbox.c.recipient)
    )
    return {
        row["recipient"]: RecentSends(minute=int(row["minute"] or 0), hour=int(row["hour"]))
        for row in rows
    }


async def paced_since(
    db: Database, recipients: Sequence[str], since: datetime
) -> dict[str, list[datetime]]:
    """When each recipient took its send slots after `since`."""
    stamps: dict[str, list[datetime]] = {}
    rows = await db.fetch_all(
        sa.select(outbox.c.recipient, outbox.c.paced_at).where(
            outbox.c.recipient.in_(list(recipients)), outbox.c.paced_at > since
        )
    )
    for row in rows:
        stamps.setdefault(row["recipient"], []).append(row["paced_at"])
    return stamps


async def take(
    db: Database, ids: list[int], *, token: str, now: datetime, lease: float, paced: bool
) -> None:
    """Lease rows to claim `token`, counting an attempt (and a send slot when `paced`)."""
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


async def hold(db: Database, held: Mapping[int, datetime]) -> None:
    """Put rows back as pending until the given moments (a recipient's cap was reached)."""
    for row_id, until in held.items():
        await db.execute(
            outbox.update()
            .where(outbox.c.id == row_id)
            .values(status="pending", next_attempt_at=until, lease_until=None, claimed_by=None)
        )


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


async def get_row(db: Database, row_id: int) -> OutboxRow | None:
    row = await db.fetch_one(sa.select(outbox).where(outbox.c.id == row_id))
    return outbox_row(row) if row else None


async def status_counts(db: Database, *, now: datetime) -> dict[str, int]:
    """Rows per listed status (`LISTED_STATUSES`), every one present (zero when none)."""
    row = await db.fetch_one(
        sa.select(
            *(
                sa.func.count(sa.case((_listed(status, now), outbox.c.id))).label(status)
                for status in LISTED_STATUSES
            )
        ).select_from(outbox)
    )
    return {status: int(row[status] or 0) if row else 0 for status in LISTED_STATUSES}


# The states a queue can be stuck in; sent and cancelled rows only grow (the worker's
# `portal_outbox_sends_total` counts those) and would cost a scan of the whole table.
OPEN_STATUSES = ("pending", "sending", "dead")


async def open_counts(db: Database) -> dict[tuple[str, str], int]:
    """Rows per (kind, status) among `OPEN_STATUSES`, for the metrics."""
    rows = await db.fetch_all(
        sa.select(outbox.c.kind, outbox.c.status, sa.func.count().label("n"))
        .where(outbox.c.status.in_(OPEN_STATUSES))
        .group_by(outbox.c.kind, outbox.c.status)
    )
    return {(row["kind"], row["status"]): int(row["n"]) for row in rows}


async def oldest_due_at(db: Database, *, now: datetime) -> datetime | None:
    """When the longest-waiting row that is due now came due (None: nothing is due)."""
    value = await db.fetch_val(
        sa.select(
            sa.func.min(
                sa.case(
                    (outbox.c.status == "pending", outbox.c.next_attempt_at),
                    else_=outbox.c.lease_until,
                )
            )
        ).where(_due(now))
    )
    return aware_utc(value) if value is not None else None


async def dead_letter_count(db: Database) -> int:
    """How many messages are parked as dead letters (the HR board warns when > 0)."""
    count = await db.fetch_val(
        sa.select(sa.func.count()).select_from(outbox).where(outbox.c.status == "dead")
    )
    return int(count or 0)


async def list_rows(
    db: Database, where: OutboxFilter, *, now: datetime, page: int = 1, per_page: int = 50
) -> Page[OutboxRow]:
    condition = where.condition(now)
    total = await db.fetch_val(sa.select(sa.func.count()).select_from(outbox).where(condition))
    rows = await db.fetch_all(
        sa.select(outbox)
        .where(condition)
        .order_by(outbox.c.id.desc())
        .limit(per_page)
        .offset(offset_of(page, per_page))
    )
    return Page([outbox_row(r) for r in rows], page, per_page, int(total or 0))


@dataclass(frozen=True)
class RowNames:
    """What the admin page shows for ids: recipients' names by userid, candidates by interview."""

    people: dict[str, str]
    candidates: dict[int, str]


async def names_for(db: Database, rows: Sequence[OutboxRow]) -> RowNames:
    userids = sorted({row.recipient for row in rows})
    interview_ids = sorted({row.interview_id for row in rows if row.interview_id is not None})
    found = await db.fetch_all(
        sa.select(people.c.wecom_userid, people.c.name, people.c.english_name).where(
            people.c.wecom_userid.in_(userids)
        )
    )
    named = {
        r["wecom_userid"]: f"{r['name']} ({r['english_name']})" if r["english_name"] else r["name"]
        for r in found
    }
    booked = await db.fetch_all(
        sa.select(interviews.c.id, candidates.c.name)
        .select_from(interviews.join(candidates, candidates.c.id == interviews.c.candidate_id))
        .where(interviews.c.id.in_(interview_ids))
    )
    return RowNames(named, {r["id"]: r["name"] for r in booked})


async def next_due_at(db: Database) -> datetime | None:
    """The earliest moment a pending row comes due, or a lease runs out."""
    pending = await db.fetch_val(
        sa.select(sa.func.min(outbox.c.next_attempt_at)).where(outbox.c.status == "pending")
    )
    leased = await db.fetch_val(
        sa.select(sa.func.min(outbox.c.lease_until)).where(outbox.c.status == "sending")
    )
    moments = [aware_utc(value) for value in (pending, leased) if value is not None]
    return min(moments) if moments else None


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
