"""Reading what the candidate's answers wrote (seed data comes from `tests.factories`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import audit_log, interviews, outbox, status_events
from tests.support.when import NOW


def utcnow() -> datetime:
    """The suite's frozen now (`tests.support.when.NOW`), which the app's clock starts at."""
    return NOW


async def rows(db: Database, table: sa.Table, **where: Any) -> list[dict[str, Any]]:
    query = sa.select(table).order_by(*table.primary_key.columns)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    return [dict(row) for row in await db.fetch_all(query)]


async def interview_row(db: Database, interview_id: int) -> dict[str, Any]:
    found = await rows(db, interviews, id=interview_id)
    return found[0]


async def outbox_kinds(db: Database, interview_id: int) -> list[tuple[str, str]]:
    return [
        (row["kind"], row["recipient"]) for row in await rows(db, outbox, interview_id=interview_id)
    ]


async def audit_actions(db: Database) -> list[str]:
    return [row["action"] for row in await rows(db, audit_log)]


async def status_history(db: Database, interview_id: int) -> list[tuple[str, str]]:
    found = await rows(db, status_events, interview_id=interview_id)
    return [(row["to_status"], row["actor_kind"]) for row in found]
