"""An interviewer marks themselves away, or takes it back; both are in the audit log."""

from __future__ import annotations

from datetime import datetime

from portal.db import audit
from portal.db.database import Database
from portal.db.people import Person
from portal.db.unavailable import UnavailableBlock, add_block, delete_block, get_block
from portal.errors import NotFound
from portal.scheduling import Actor, ActorKind
from portal.scheduling.unavailable import AwayDraft


class BlockNotFound(NotFound):
    """No such block, or someone else's (both answer 404)."""


def _actor(person: Person) -> Actor:
    return Actor.person(person, ActorKind.INTERVIEWER)


def _detail(block: UnavailableBlock) -> dict[str, object]:
    return {
        "starts_at": block.starts_at.isoformat(),
        "ends_at": block.ends_at.isoformat(),
        "note": block.note,
    }


async def add(db: Database, *, person: Person, draft: AwayDraft, now: datetime) -> UnavailableBlock:
    """Store `person`'s new away block."""
    async with db.transaction():
        block_id = await add_block(
            db,
            person_id=person.id,
            starts_at=draft.starts_at,
            ends_at=draft.ends_at,
            note=draft.note,
            now=now,
        )
        block = await get_block(db, block_id)
        assert block is not None
        await audit.record(
            db,
            "away.add",
            actor=_actor(person),
            at=now,
            target_kind="unavailable_block",
            target_id=block_id,
            detail=_detail(block),
        )
    return block


async def remove(db: Database, *, person: Person, block_id: int, now: datetime) -> None:
    """Delete one of `person`'s own blocks, or `BlockNotFound`."""
    async with db.transaction():
        removed = await delete_block(db, block_id=block_id, person_id=person.id)
        if removed is None:
            raise BlockNotFound()
        await audit.record(
            db,
            "away.remove",
            actor=_actor(person),
            at=now,
            target_kind="unavailable_block",
            target_id=block_id,
            detail=_detail(removed),
        )
