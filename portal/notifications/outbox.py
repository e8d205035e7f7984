"""The outbox: domain actions write rows here in the same transaction as their change.

The worker (see `worker.py`) sends them. A row's `dedupe_key` names (event, interview,
recipient, interview version), so repeating an action can never send twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import outbox


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
