"""Reading an interview's history: every change with who made it, oldest first.

Most rows are `status_events` (status moves, time, panel, room, replies), written by the use
cases in their own transactions. Two kinds of change already have rows of their own and are
read from there: the candidate's requests for another time, and the platform's reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database, Row
from portal.db.tables import (
    candidates,
    interviews,
    people,
    platform_events,
    reschedule_requests,
    rooms,
    status_events,
)
from portal.scheduling.actors import PERSON


@dataclass(frozen=True)
class HistoryEntry:
    """One change. `actor_name`: the staff member's or the candidate's name, when known."""

    id: int
    kind: str  # status, time, panel, room, rsvp, edited, reschedule_request, platform
    from_status: str | None
    to_status: str | None
    actor_kind: str  # person, candidate, platform, system
    actor_id: str | None
    actor_name: str | None
    note: str | None
    detail: dict[str, Any]
    created_at: datetime


def _display(name: str | None, english_name: str | None) -> str | None:
    return f"{name} ({english_name})" if name and english_name else name


async def _events(db: Database, interview_id: int) -> list[HistoryEntry]:
    staff = sa.and_(
        status_events.c.actor_kind == PERSON, people.c.wecom_userid == status_events.c.actor_id
    )
    candidate = sa.and_(
        status_events.c.actor_kind == "candidate",
        sa.cast(candidates.c.id, sa.String) == status_events.c.actor_id,
    )
    query = (
        sa.select(
            status_events,
            people.c.name.label("staff_name"),
            people.c.english_name.label("staff_english_name"),
            candidates.c.name.label("candidate_name"),
        )
        .select_from(status_events.outerjoin(people, staff).outerjoin(candidates, candidate))
        .where(status_events.c.interview_id == interview_id)
        .order_by(status_events.c.id)
    )
    return [_event(row) for row in await db.fetch_all(query)]


def _event(row: Row) -> HistoryEntry:
    name = _display(row["staff_name"], row["staff_english_name"]) or row["candidate_name"]
    return HistoryEntry(
        id=row["id"],
        kind=row["kind"],
        from_status=row["from_status"],
        to_status=row["to_status"],
        actor_kind=row["actor_kind"],
        actor_id=row["actor_id"],
        actor_name=name,
        note=row["note"],
        detail=dict(row["detail"] or {}),
        created_at=row["created_at"],
    )


async def _requests(db: Database, interview_id: int) -> list[HistoryEntry]:
    rr = reschedule_requests
    query = (
        sa.select(rr, interviews.c.candidate_id, candidates.c.name.label("candidate_name"))
        .select_from(
            rr.join(interviews, interviews.c.id == rr.c.interview_id).join(
                candidates, candidates.c.id == interviews.c.candidate_id
            )
        )
        .where(rr.c.interview_id == interview_id)
    )
    return [
        HistoryEntry(
            id=row["id"],
            kind="reschedule_request",
            from_status=None,
            to_status=None,
            actor_kind="candidate",
            actor_id=str(row["candidate_id"]),
            actor_name=row["candidate_name"],
            note=row["message"],
            detail={"windows": row["windows"]},
            created_at=row["created_at"],
        )
        for row in await db.fetch_all(query)
    ]


async def _reports(db: Database, interview_id: int) -> list[HistoryEntry]:
    pe = platform_events
    query = (
        sa.select(pe)
        .select_from(pe.join(rooms, rooms.c.uid == pe.c.uid))
        .where(rooms.c.interview_id == interview_id, pe.c.applied_at.is_not(None))
    )
    return [
        HistoryEntry(
            id=0,
            kind="platform",
            from_status=None,
            to_status=None,
            actor_kind="platform",
            actor_id=row["uid"],
            actor_name=None,
            note=None,
            detail={"event": row["event"], "rating": row["rate"]},
            # The platform's own time of the event; a reconciled report arrives late.
            created_at=datetime.fromtimestamp(row["ts"], UTC) if row["ts"] else row["received_at"],
        )
        for row in await db.fetch_all(query)
    ]


async def interview_history(db: Database, interview_id: int) -> list[HistoryEntry]:
    """Every change to the interview, oldest first."""
    entries = [
        *await _events(db, interview_id),
        *await _requests(db, interview_id),
        *await _reports(db, interview_id),
    ]
    return sorted(entries, key=lambda entry: entry.created_at)
