"""Positions: the openings candidates interview for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.db.database import Database, Row
from portal.db.tables import positions


@dataclass(frozen=True)
class Position:
    id: int
    title: str
    department: str | None
    description: str | None
    active: bool
    created_at: datetime
    updated_at: datetime
    room_kind: str  # the room its interviews get unless HR chooses another


@dataclass(frozen=True)
class PositionFields:
    """What HR types about a position."""

    title: str
    department: str | None
    description: str | None
    active: bool = True
    room_kind: str = "technical"


def _position(row: Row) -> Position:
    return Position(**{name: row[name] for name in Position.__dataclass_fields__})


async def get_position(db: Database, position_id: int) -> Position | None:
    row = await db.fetch_one(sa.select(positions).where(positions.c.id == position_id))
    return _position(row) if row else None


async def list_positions(db: Database, *, active_only: bool = False) -> list[Position]:
    query = sa.select(positions).order_by(positions.c.active.desc(), positions.c.title)
    if active_only:
        query = query.where(positions.c.active.is_(True))
    return [_position(row) for row in await db.fetch_all(query)]


async def insert_position(db: Database, fields: PositionFields, *, now: datetime) -> int:
    statement = positions.insert().values(
        title=fields.title,
        department=fields.department,
        description=fields.description,
        active=fields.active,
        room_kind=fields.room_kind,
        created_at=now,
        updated_at=now,
    )
    return int(await db.execute(statement))


async def update_position(
    db: Database, position_id: int, fields: PositionFields, *, now: datetime
) -> None:
    await db.execute(
        positions.update()
        .where(positions.c.id == position_id)
        .values(
            title=fields.title,
            department=fields.department,
            description=fields.description,
            active=fields.active,
            room_kind=fields.room_kind,
            updated_at=now,
        )
    )


async def position_room_kind(db: Database, position_id: int) -> str | None:
    found = await db.fetch_val(
        sa.select(positions.c.room_kind).where(positions.c.id == position_id)
    )
    return None if found is None else str(found)
