"""Reading what the interview use cases wrote (seed data comes from `tests.factories`)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import outbox


async def outbox_rows(db: Database, **where: Any) -> list[dict[str, Any]]:
    query = sa.select(outbox).order_by(outbox.c.id)
    for column, value in where.items():
        query = query.where(outbox.c[column] == value)
    return [dict(row) for row in await db.fetch_all(query)]
