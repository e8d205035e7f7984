"""Interviewers' one-off unavailable blocks: add, remove one's own, and read them by time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.db.database import Database, Row
from portal.db.tables import people, unavailable_blocks
from portal.scheduling import UtcRange
from portal.scheduling.unavailable import AwayBlock


@dataclass(frozen=True)
class UnavailableBlock:
    id: int
    person_id: int
    person_name: str
    starts_at: datetime
    ends_at: datetime
    note: str | None
    created_at: datetime

    def as_away(self) -> AwayBlock:
        """The value the conflict rules read."""
        return AwayBlock(self.person_id, self.starts_at, self.ends_at, self.note)


def _select() -> sa.Select[tuple[object, ...]]:
    name = sa.case(
        (people.c.english_name.is_(None), people.c.name),
        else_=people.c.name + " (" + people.c.english_name + ")",
    )
    return (
        sa.select(unavailable_blocks, name.label("person_name"))
        .join(people, people.c.id == unavailable_blocks.c.person_id)
        .order_by(unavailable_blocks.c.starts_at, unavailable_blocks.c.id)
    )


def _block(row: Row) -> UnavailableBlock:
    return UnavailableBlock(
        id=row["id"],
        person_id=row["person_id"],
        person_name=row["person_name"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        note=row["note"],
        created_at=row["created_at"],
    )


async def add_block(
    db: Database,
    *,
    person_id: int,
    starts_at: datetime,
    ends_at: datetime,
    note: str | None,
    now: datetime,
) -> int:
    block_id = await db.execute(
        unavailable_blocks.insert().values(
            person_id=person_id, starts_at=starts_at, ends_at=ends_at, note=note, created_at=now
        )
    )
    return int(block_id)


async def get_block(db: Database, block_id: int) -> UnavailableBlock | None:
    row = await db.fetch_one(_select().where(unavailable_blocks.c.id == block_id))
    return None if row is None else _block(row)


async def delete_block(db: Database, *, block_id: int, person_id: int) -> UnavailableBlock | None:
    """Delete `person_id`'s block `block_id`; None if there is no such block of theirs."""
    found = await get_block(db, block_id)
    if found is None or found.person_id != person_id:
        return None
    await db.execute(
        unavailable_blocks.delete().where(
            unavailable_blocks.c.id == block_id, unavailable_blocks.c.person_id == person_id
        )
    )
    return found


async def blocks_of(db: Database, person_id: int, *, since: datetime) -> list[UnavailableBlock]:
    """The person's blocks that have not ended by `since`, earliest first."""
    query = _select().where(
        unavailable_blocks.c.person_id == person_id, unavailable_blocks.c.ends_at > since
    )
    return [_block(row) for row in await db.fetch_all(query)]


async def blocks_overlapping(
    db: Database, window: UtcRange, person_ids: Sequence[int] | None = None
) -> list[UnavailableBlock]:
    """Blocks sharing time with `window`, of `person_ids` (everyone's when None)."""
    query = _select().where(
        unavailable_blocks.c.starts_at < window.end, unavailable_blocks.c.ends_at > window.start
    )
    if person_ids is not None:
        if not person_ids:
            return []
        query = query.where(unavailable_blocks.c.person_id.in_(list(person_ids)))
    return [_block(row) for row in await db.fetch_all(query)]
