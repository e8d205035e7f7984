"""Candidates and positions: HR's simple create and edit, and what their forms accept."""

from __future__ import annotations

from datetime import datetime

from portal.db.candidates import (
    CandidateFields,
    get_candidate,
    insert_candidate,
    update_candidate,
)
from portal.db.database import Database
from portal.db.positions import PositionFields, get_position, insert_position, update_position
from portal.errors import NotFound
from portal.scheduling import RawForm
from portal.scheduling.fields import FormReader
from portal.scheduling.rooms import RoomKind


def read_candidate(form: RawForm) -> CandidateFields:
    """The candidate form, or `ValidationFailed` with every field error."""
    reader = FormReader(form)
    fields = CandidateFields(
        name=reader.text("name", max_len=128, required=True) or "",
        phone=reader.phone("phone"),
        email=reader.email("email"),
        notes=reader.text("notes", max_len=4000, multiline=True),
        resume_url=reader.url("resume_url", max_len=2048),
    )
    reader.finish()
    return fields


ROOM_KINDS = {kind.value: kind for kind in RoomKind}


def read_position(form: RawForm) -> PositionFields:
    """The position form, or `ValidationFailed` with every field error."""
    reader = FormReader(form)
    fields = PositionFields(
        title=reader.text("title", max_len=128, required=True) or "",
        department=reader.text("department", max_len=128),
        description=reader.text("description", max_len=4000, multiline=True),
        active=reader.checkbox("active"),
        room_kind=(
            reader.choice("room_kind", ROOM_KINDS, required=False) or RoomKind.TECHNICAL
        ).value,
    )
    reader.finish()
    return fields


async def save_candidate(
    db: Database, candidate_id: int | None, fields: CandidateFields, *, now: datetime
) -> int:
    """Create (`candidate_id` None) or update a candidate; returns its id."""
    async with db.transaction():
        if candidate_id is None:
            return await insert_candidate(db, fields, now=now)
        if await get_candidate(db, candidate_id) is None:
            raise NotFound()
        await update_candidate(db, candidate_id, fields, now=now)
        return candidate_id


async def save_position(
    db: Database, position_id: int | None, fields: PositionFields, *, now: datetime
) -> int:
    """Create (`position_id` None) or update a position; returns its id."""
    async with db.transaction():
        if position_id is None:
            return await insert_position(db, fields, now=now)
        if await get_position(db, position_id) is None:
            raise NotFound()
        await update_position(db, position_id, fields, now=now)
        return position_id
