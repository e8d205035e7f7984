"""Reading rooms back in tests (straight from the tables: what the portal stored)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import platform_events, room_seats, rooms, status_events


async def room_row(db: Database, interview_id: int) -> dict[str, Any]:
    row = await db.fetch_one(sa.select(rooms).where(rooms.c.interview_id == interview_id))
    assert row is not None, f"interview {interview_id} has no room row"
    return dict(row)


async def seats(db: Database, interview_id: int) -> dict[int, str]:
    rows = await db.fetch_all(
        sa.select(room_seats).where(room_seats.c.interview_id == interview_id)
    )
    return {row["person_id"]: row["interviewer_url"] for row in rows}


async def history(db: Database, interview_id: int) -> list[tuple[str | None, str, str]]:
    """The interview's status moves (the room's own history rows left out)."""
    rows = await db.fetch_all(
        sa.select(status_events)
        .where(status_events.c.interview_id == interview_id, status_events.c.kind == "status")
        .order_by(status_events.c.id)
    )
    return [(row["from_status"], row["to_status"], row["actor_kind"]) for row in rows]


async def recorded_events(db: Database) -> list[dict[str, Any]]:
    rows = await db.fetch_all(sa.select(platform_events).order_by(platform_events.c.received_at))
    return [dict(row) for row in rows]
