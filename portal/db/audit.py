"""The audit log: who did what, when (sign-ins, role changes, syncs, overrides)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.listing import Page, offset_of
from portal.db.tables import audit_log

# Re-exported for `directory/sync.py`, which still imports it from here.
from portal.scheduling import Actor


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor_kind: str
    actor_id: str | None
    action: str
    target_kind: str | None
    target_id: str | None
    detail: dict[str, Any] | None
    ip: str | None


async def record(
    db: Database,
    action: str,
    *,
    actor: Actor,
    at: datetime,
    target_kind: str | None = None,
    target_id: object = None,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> None:
    await db.execute(
        audit_log.insert().values(
            at=at,
            actor_kind=actor.kind,
            actor_id=actor.ref,
            action=action,
            target_kind=target_kind,
            target_id=None if target_id is None else str(target_id),
            detail=detail,
            ip=ip,
        )
    )


async def list_entries(
    db: Database, *, page: int = 1, per_page: int = 50, action: str | None = None
) -> Page[AuditEntry]:
    condition = sa.true() if action is None else audit_log.c.action == action
    total = await db.fetch_val(sa.select(sa.func.count()).select_from(audit_log).where(condition))
    rows = await db.fetch_all(
        sa.select(audit_log)
        .where(condition)
        .order_by(audit_log.c.id.desc())
        .limit(per_page)
        .offset(offset_of(page, per_page))
    )
    entries = [
        AuditEntry(**{key: row[key] for key in AuditEntry.__dataclass_fields__}) for row in rows
    ]
    return Page(items=entries, page=page, per_page=per_page, total=int(total or 0))


async def last_recorded_at(db: Database, action: str) -> datetime | None:
    """When `action` was last recorded (aware UTC), or None if never."""
    value = await db.fetch_val(
        sa.select(sa.func.max(audit_log.c.at)).where(audit_log.c.action == action)
    )
    if isinstance(value, str):  # SQLite aggregates lose the column type
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value if isinstance(value, datetime) else None
