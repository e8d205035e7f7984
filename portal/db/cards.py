"""Button cards in the outbox: which were queued for whom, at which interview version, and
whether the portal can still update them (a sent card's one-use response code).

A card is an outbox row of a card kind; these queries read and mark those rows only.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import outbox


@dataclass(frozen=True)
class CardRow:
    """One card queued for `recipient` (in any status) about an interview's `version`."""

    id: int
    interview_id: int
    recipient: str
    version: int
    status: str
    response_code: str | None
    shows: str | None

    @property
    def updatable(self) -> bool:
        return self.status == "sent" and self.response_code is not None


def _version(payload: Any) -> int:
    value = payload.get("version") if isinstance(payload, dict) else None
    return value if isinstance(value, int) else 0


async def cards_of(
    db: Database,
    interview_ids: Collection[int],
    kinds: Sequence[str],
    *,
    recipient: str | None = None,
) -> list[CardRow]:
    """The cards of `kinds` queued about these interviews (for one recipient), oldest first."""
    if not interview_ids:
        return []
    condition = sa.and_(
        outbox.c.interview_id.in_(sorted(set(interview_ids))), outbox.c.kind.in_(list(kinds))
    )
    if recipient is not None:
        condition = sa.and_(condition, outbox.c.recipient == recipient)
    rows = await db.fetch_all(
        sa.select(
            outbox.c.id,
            outbox.c.interview_id,
            outbox.c.recipient,
            outbox.c.payload,
            outbox.c.status,
            outbox.c.response_code,
            outbox.c.card_shows,
        )
        .where(condition)
        .order_by(outbox.c.id)
    )
    return [
        CardRow(
            id=row["id"],
            interview_id=row["interview_id"],
            recipient=row["recipient"],
            version=_version(row["payload"]),
            status=row["status"],
            response_code=row["response_code"],
            shows=row["card_shows"],
        )
        for row in rows
    ]


async def card_version(db: Database, row_id: int) -> int | None:
    """The interview version the card in outbox row `row_id` was queued for."""
    payload = await db.fetch_val(sa.select(outbox.c.payload).where(outbox.c.id == row_id))
    return None if payload is None else _version(payload)


async def mark_card(db: Database, row_id: int, *, shows: str | None, spent: bool) -> None:
    """Record what the card's buttons now say, and (`spent`) that its response code is used."""
    values: dict[str, Any] = {}
    if shows is not None:
        values["card_shows"] = shows
    if spent:
        values["response_code"] = None
    if values:
        await db.execute(outbox.update().where(outbox.c.id == row_id).values(**values))
