"""Queries for departments mirrored from WeCom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import departments


@dataclass(frozen=True)
class DepartmentRecord:
    id: int
    name: str
    parent_id: int | None
    sort_order: int
    active: bool


async def upsert_department(
    db: Database, *, id: int, name: str, parent_id: int | None, sort_order: int, now: datetime
) -> bool:
    """Insert or refresh one department; True when something changed."""
    row = await db.fetch_one(sa.select(departments).where(departments.c.id == id))
    values = {"name": name, "parent_id": parent_id, "sort_order": sort_order, "active": True}
    if row is None:
        await db.execute(departments.insert().values(id=id, updated_at=now, **values))
        return True
    if all(row[key] == value for key, value in values.items()):
        return False
    await db.execute(
        departments.update().where(departments.c.id == id).values(updated_at=now, **values)
    )
    return True


async def deactivate_departments_except(db: Database, keep: set[int], *, now: datetime) -> int:
    rows = await db.fetch_all(sa.select(departments.c.id).where(departments.c.active.is_(True)))
    gone = [row["id"] for row in rows if row["id"] not in keep]
    if gone:
        await db.execute(
            departments.update()
            .where(departments.c.id.in_(gone))
            .values(active=False, updated_at=now)
        )
    return len(gone)


async def department_names(db: Database) -> dict[int, str]:
    rows = await db.fetch_all(sa.select(departments.c.id, departments.c.name))
    return {row["id"]: row["name"] for row in rows}
