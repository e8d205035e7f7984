"""Queries for people (staff members mirrored from WeCom) and departments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database, Row
from portal.db.tables import people


@dataclass(frozen=True)
class Person:
    id: int
    wecom_userid: str
    name: str
    english_name: str | None
    department_ids: tuple[int, ...]
    position: str | None
    email: str | None
    role: str
    role_override: str | None
    timezone: str | None
    locale: str | None
    digest_opt_in: bool
    active: bool
    last_login_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.english_name})" if self.english_name else self.name

    @property
    def is_hr(self) -> bool:
        return self.role in {"hr", "admin"}

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def person_from_row(row: Row) -> Person:
    values: dict[str, Any] = {name: row[name] for name in Person.__dataclass_fields__}
    values["department_ids"] = tuple(row["department_ids"] or ())
    return Person(**values)


async def get_person(db: Database, person_id: int) -> Person | None:
    row = await db.fetch_one(sa.select(people).where(people.c.id == person_id))
    return person_from_row(row) if row else None


async def get_person_by_userid(db: Database, wecom_userid: str) -> Person | None:
    row = await db.fetch_one(sa.select(people).where(people.c.wecom_userid == wecom_userid))
    return person_from_row(row) if row else None


async def list_people(db: Database, *, ids: Sequence[int]) -> list[Person]:
    if not ids:
        return []
    rows = await db.fetch_all(sa.select(people).where(people.c.id.in_(list(ids))))
    return [person_from_row(row) for row in rows]
