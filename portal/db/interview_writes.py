"""Writing interviews, their panels and their history (inside the caller's transaction).

PostgreSQL refuses a panel row that would overlap another booking of the same person (the
exclusion constraint of migration 0003); that refusal surfaces here as `SlotTaken`, the one
driver error this module translates.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import interview_interviewers, interviews, status_events
from portal.scheduling import Actor, Slot

EXCLUSION_VIOLATION = "23P01"  # PostgreSQL SQLSTATE exclusion_violation


class SlotTaken(Exception):
    """The database refused to book `person_id` twice into overlapping time."""

    def __init__(self, person_id: int) -> None:
        super().__init__(f"person {person_id} is already booked at this time")
        self.person_id = person_id


async def _guarded(db: Database, statement: sa.Executable, person_id: int) -> None:
    try:
        await db.execute(statement)  # type: ignore[arg-type]
    except Exception as exc:
        if getattr(exc, "sqlstate", None) == EXCLUSION_VIOLATION:
            raise SlotTaken(person_id) from exc
        raise


async def insert_interview(
    db: Database, values: Mapping[str, Any], *, actor: Actor, now: datetime
) -> int:
    """A new interview at version 1; returns its id."""
    statement = interviews.insert().values(
        **values,
        status="scheduled",
        version=1,
        created_by=actor.person_id,
        updated_by=actor.person_id,
        created_at=now,
        updated_at=now,
    )
    return int(await db.execute(statement))


async def update_interview(
    db: Database,
    interview_id: int,
    values: Mapping[str, Any],
    *,
    version: int,
    actor: Actor,
    now: datetime,
) -> int:
    """Apply `values` and move to the next version (the caller locked and checked `version`)."""
    await db.execute(
        interviews.update()
        .where(interviews.c.id == interview_id)
        .values(**values, version=version + 1, updated_by=actor.person_id, updated_at=now)
    )
    return version + 1


async def put_on_panel(
    db: Database,
    interview_id: int,
    person_ids: Iterable[int],
    slot: Slot,
    *,
    overrides: Collection[int],
) -> None:
    """Add people to the panel (again, for someone taken off earlier), replies pending."""
    ii = interview_interviewers
    known = {
        row["person_id"]
        for row in await db.fetch_all(
            sa.select(ii.c.person_id).where(ii.c.interview_id == interview_id)
        )
    }
    for person_id in person_ids:
        values = {
            "starts_at": slot.starts_at,
            "ends_at": slot.ends_at,
            "active": True,
            "holds_slot": True,
            "rsvp": "pending",
            "rsvp_reason": None,
            "responded_at": None,
            "overlap_override": person_id in overrides,
        }
        if person_id in known:
            statement: sa.Executable = (
                ii.update()
                .where(ii.c.interview_id == interview_id, ii.c.person_id == person_id)
                .values(**values)
            )
        else:
            statement = ii.insert().values(interview_id=interview_id, person_id=person_id, **values)
        await _guarded(db, statement, person_id)


async def take_off_panel(db: Database, interview_id: int, person_ids: Collection[int]) -> None:
    """Remove people from the panel; their rows stay for the history."""
    if person_ids:
        ii = interview_interviewers
        await db.execute(
            ii.update()
            .where(ii.c.interview_id == interview_id, ii.c.person_id.in_(list(person_ids)))
            .values(active=False, holds_slot=False)
        )


async def move_panel(
    db: Database,
    interview_id: int,
    person_ids: Iterable[int],
    slot: Slot,
    *,
    overrides: Collection[int],
) -> None:
    """The panel follows the interview to `slot`; everyone's reply starts over."""
    ii = interview_interviewers
    for person_id in person_ids:
        statement = (
            ii.update()
            .where(ii.c.interview_id == interview_id, ii.c.person_id == person_id)
            .values(
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                rsvp="pending",
                rsvp_reason=None,
                responded_at=None,
                overlap_override=person_id in overrides,
            )
        )
        await _guarded(db, statement, person_id)


async def release_panel(db: Database, interview_id: int) -> None:
    """A cancelled interview holds nobody's time any more."""
    ii = interview_interviewers
    await db.execute(ii.update().where(ii.c.interview_id == interview_id).values(holds_slot=False))


async def set_rsvp(
    db: Database, interview_id: int, person_id: int, *, rsvp: str, reason: str | None, now: datetime
) -> None:
    ii = interview_interviewers
    await db.execute(
        ii.update()
        .where(ii.c.interview_id == interview_id, ii.c.person_id == person_id)
        .values(rsvp=rsvp, rsvp_reason=reason, responded_at=now)
    )


async def add_status_event(
    db: Database,
    interview_id: int,
    *,
    from_status: str | None,
    to_status: str,
    actor: Actor,
    note: str | None,
    now: datetime,
) -> int:
    """One status move in the interview's history; returns its id (the live event id)."""
    return await add_history_event(
        db,
        interview_id,
        "status",
        actor=actor,
        now=now,
        note=note,
        from_status=from_status,
        to_status=to_status,
    )


async def add_history_event(
    db: Database,
    interview_id: int,
    kind: str,
    *,
    actor: Actor,
    now: datetime,
    detail: Mapping[str, Any] | None = None,
    note: str | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
) -> int:
    """One row of the interview's history (`kind`: status, time, panel, room, rsvp, edited)."""
    statement = status_events.insert().values(
        interview_id=interview_id,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor_kind=actor.kind,
        actor_id=actor.ref,
        note=note,
        detail=None if detail is None else dict(detail),
        created_at=now,
    )
    return int(await db.execute(statement))
