"""Steps every interview use case shares: lock and check the version, history, announce."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from portal.db.database import Database
from portal.db.interview_writes import SlotTaken, add_history_event, add_status_event
from portal.db.interviews import InterviewDetail, get_detail, lock_detail
from portal.interviews.errors import InterviewNotFound, StaleInterview
from portal.live import LiveEvent
from portal.scheduling import (
    Actor,
    BookingConflict,
    Conflict,
    ConflictKind,
    InvalidTransition,
    Status,
)
from portal.scheduling.conflicts import INTERVIEWER_BUSY
from portal.scheduling.states import CLOSED, TERMINAL


class Publisher(Protocol):
    """What the use cases need of the live broadcaster (`portal.live`): publishing."""

    async def publish(self, event: LiveEvent) -> None: ...


async def locked(db: Database, interview_id: int, version: int | None) -> InterviewDetail:
    """The interview, locked for this transaction; refused if the caller saw an older version."""
    current = await lock_detail(db, interview_id)
    if current is None:
        raise InterviewNotFound()
    if version is not None and version != current.version:
        raise StaleInterview(current)
    return current


def still_open(status: Status) -> Status:
    """`status`, unless the interview is over and can no longer change."""
    if status in TERMINAL:
        raise InvalidTransition(CLOSED, {"current": status.value})
    return status


async def history(
    db: Database,
    interview_id: int,
    from_status: Status | None,
    to_status: Status,
    *,
    actor: Actor,
    now: datetime,
    note: str | None = None,
) -> int:
    """A status_events row; returns its id (the live event id)."""
    return await add_status_event(
        db,
        interview_id,
        from_status=None if from_status is None else from_status.value,
        to_status=to_status.value,
        actor=actor,
        note=note,
        now=now,
    )


async def note_change(
    db: Database,
    interview_id: int,
    kind: str,
    detail: Mapping[str, Any],
    *,
    actor: Actor,
    now: datetime,
    note: str | None = None,
) -> int:
    """A history row for a change other than a status move (time, panel, reply, details)."""
    return await add_history_event(
        db, interview_id, kind, actor=actor, now=now, detail=detail, note=note
    )


def taken(exc: SlotTaken) -> BookingConflict:
    """The database's refusal, in the words the form shows for an overlap."""
    conflict = Conflict(
        ConflictKind.INTERVIEWER_OVERLAP, exc.person_id, None, INTERVIEWER_BUSY, blocking=True
    )
    return BookingConflict([conflict])


async def announce(
    db: Database, broadcaster: Publisher, interview_id: int, kind: str, event_id: int | None
) -> InterviewDetail:
    """After the commit: tell open pages, and hand back the interview as it now is."""
    await broadcaster.publish(LiveEvent(interview_id, kind, event_id))
    detail = await get_detail(db, interview_id)
    if detail is None:  # deleted between the commit and now; nothing to show
        raise InterviewNotFound()
    return detail
