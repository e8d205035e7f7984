"""HR's hand on the outbox: what it holds, and putting a dead letter back in the queue or giving
up on it (audited)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from portal.db import audit
from portal.db.database import Database
from portal.db.listing import Page
from portal.db.outbox import (
    OutboxFilter,
    OutboxRow,
    RowNames,
    discard_dead,
    get_row,
    list_rows,
    names_for,
    retry_dead,
    status_counts,
)
from portal.errors import Conflict, NotFound
from portal.i18n import N_
from portal.scheduling import Actor

NOT_DEAD = N_("Only dead letters can be retried or discarded; this one has moved on.")


@dataclass(frozen=True)
class Overview:
    """One page of the outbox under a filter, how many rows each listed status holds overall,
    and the names behind the page's userids and interview ids."""

    page: Page[OutboxRow]
    counts: dict[str, int]
    names: RowNames


async def outbox_overview(
    db: Database, where: OutboxFilter, *, now: datetime, page: int, per_page: int
) -> Overview:
    counts = await status_counts(db, now=now)
    found = await list_rows(db, where, now=now, page=page, per_page=per_page)
    return Overview(found, counts, await names_for(db, found.items))


async def row_names(db: Database, row: OutboxRow) -> RowNames:
    """The names one row shows (its recipient, its interview's candidate)."""
    return await names_for(db, [row])


async def _act(
    db: Database,
    row_id: int,
    actor: Actor,
    action: str,
    change: Callable[[], Awaitable[bool]],
    now: datetime,
) -> OutboxRow:
    async with db.transaction():
        before = await get_row(db, row_id)
        if before is None:
            raise NotFound()
        if not await change():
            raise Conflict(NOT_DEAD)
        await audit.record(
            db,
            action,
            actor=actor,
            at=now,
            target_kind="outbox",
            target_id=row_id,
            detail={"kind": before.kind, "recipient": before.recipient, "error": before.last_error},
        )
        after = await get_row(db, row_id)
    assert after is not None
    return after


async def retry_dead_letter(db: Database, *, row_id: int, actor: Actor, now: datetime) -> OutboxRow:
    """Send a dead letter again, with a fresh set of attempts."""
    return await _act(
        db, row_id, actor, "notification_retried", lambda: retry_dead(db, row_id, now=now), now
    )


async def discard_dead_letter(
    db: Database, *, row_id: int, actor: Actor, now: datetime
) -> OutboxRow:
    """Give up on a dead letter for good."""
    reason = f"discarded by {actor.ref}"
    return await _act(
        db,
        row_id,
        actor,
        "notification_discarded",
        lambda: discard_dead(db, row_id, reason=reason),
        now,
    )
