"""Queries for people (staff members mirrored from WeCom): lookups, sync, search, and the
settings and booking limits a person or HR changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database, Row
from portal.db.listing import Page, contains_any, offset_of
from portal.db.tables import people
from portal.scheduling.limits import Limits

_NEXT_EPOCH = people.c.session_epoch + 1


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
    blocked: bool
    last_login_at: datetime | None
    created_at: datetime
    updated_at: datetime
    session_epoch: int = 0

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


@dataclass(frozen=True)
class MemberProfile:
    """What WeCom says about a member, in the portal's words."""

    wecom_userid: str
    name: str
    english_name: str | None
    department_ids: tuple[int, ...]
    position: str | None
    email: str | None


async def upsert_member(
    db: Database, profile: MemberProfile, *, role: str, now: datetime
) -> tuple[Person, bool]:
    """Insert or refresh a member (active again if they were not); returns (person, changed)."""
    values = {
        "name": profile.name,
        "english_name": profile.english_name,
        "department_ids": list(profile.department_ids),
        "position": profile.position,
        "email": profile.email,
        "role": role,
        "active": True,
    }
    existing = await get_person_by_userid(db, profile.wecom_userid)
    if existing is None:
        await db.execute(
            people.insert().values(
                wecom_userid=profile.wecom_userid, created_at=now, updated_at=now, **values
            )
        )
        person = await get_person_by_userid(db, profile.wecom_userid)
        assert person is not None
        return person, True
    values["active"] = not existing.blocked
    current = {
        "name": existing.name,
        "english_name": existing.english_name,
        "department_ids": list(existing.department_ids),
        "position": existing.position,
        "email": existing.email,
        "role": existing.role,
        "active": existing.active,
    }
    if current == values:
        return existing, False
    await db.execute(
        people.update().where(people.c.id == existing.id).values(updated_at=now, **values)
    )
    person = await get_person(db, existing.id)
    assert person is not None
    return person, True


async def mark_signed_in(db: Database, person_id: int, *, now: datetime) -> None:
    await db.execute(people.update().where(people.c.id == person_id).values(last_login_at=now))


async def set_role_override(
    db: Database, person_id: int, *, override: str | None, role: str, now: datetime
) -> None:
    await db.execute(
        people.update()
        .where(people.c.id == person_id)
        .values(role_override=override, role=role, updated_at=now, session_epoch=_NEXT_EPOCH)
    )


async def set_active(
    db: Database, person_id: int, *, active: bool, blocked: bool, now: datetime
) -> None:
    await db.execute(
        people.update()
        .where(people.c.id == person_id)
        .values(active=active, blocked=blocked, updated_at=now, session_epoch=_NEXT_EPOCH)
    )


async def end_sessions(db: Database, person_id: int, *, now: datetime) -> None:
    """End every session of the person: a cookie carrying an older epoch no longer counts."""
    await db.execute(
        people.update()
        .where(people.c.id == person_id)
        .values(session_epoch=_NEXT_EPOCH, updated_at=now)
    )


async def set_preferences(
    db: Database,
    person_id: int,
    *,
    locale: str,
    timezone: str | None,
    digest_opt_in: bool,
    now: datetime,
) -> None:
    """Replace a person's language, time zone and digest choice (a None zone: the company's)."""
    await db.execute(
        people.update()
        .where(people.c.id == person_id)
        .values(locale=locale, timezone=timezone, digest_opt_in=digest_opt_in, updated_at=now)
    )


async def set_limits(db: Database, person_id: int, limits: Limits, *, now: datetime) -> None:
    """Store a person's booking limits (read them with `portal.db.interviewers`)."""
    await db.execute(
        people.update().where(people.c.id == person_id).values(updated_at=now, **asdict(limits))
    )


async def deactivate(db: Database, person_ids: list[int], *, now: datetime) -> None:
    if person_ids:
        await db.execute(
            people.update()
            .where(people.c.id.in_(person_ids))
            .values(active=False, updated_at=now, session_epoch=_NEXT_EPOCH)
        )


async def list_all_people(db: Database) -> list[Person]:
    rows = await db.fetch_all(sa.select(people).order_by(people.c.id))
    return [person_from_row(row) for row in rows]


async def list_digest_subscribers(db: Database) -> list[Person]:
    """Active HR people who opted in to the morning digest."""
    rows = await db.fetch_all(
        sa.select(people).where(
            people.c.active.is_(True),
            people.c.digest_opt_in.is_(True),
            people.c.role.in_(["hr", "admin"]),
        )
    )
    return [person_from_row(row) for row in rows]


def _search_condition(query: str) -> sa.ColumnElement[bool]:
    if not query:
        return sa.true()
    return contains_any(query, people.c.name, people.c.english_name, people.c.wecom_userid)


async def search_people(
    db: Database,
    *,
    query: str = "",
    page: int = 1,
    per_page: int = 25,
    active_only: bool = False,
) -> Page[Person]:
    condition = _search_condition(query.strip())
    if active_only:
        condition = sa.and_(condition, people.c.active.is_(True))
    total = await db.fetch_val(sa.select(sa.func.count()).select_from(people).where(condition))
    rows = await db.fetch_all(
        sa.select(people)
        .where(condition)
        .order_by(people.c.active.desc(), people.c.name, people.c.id)
        .limit(per_page)
        .offset(offset_of(page, per_page))
    )
    return Page(
        items=[person_from_row(row) for row in rows],
        page=page,
        per_page=per_page,
        total=int(total or 0),
    )
