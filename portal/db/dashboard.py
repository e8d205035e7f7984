"""The home page's reads: interviews that need someone now, each with who it is waiting on.

Each list is one query, bounded by `limit`: the home page points at the work, the board and
the interview pages do it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database, Row
from portal.db.tables import (
    candidates,
    feedback,
    interview_interviewers,
    interviews,
    people,
    positions,
    reschedule_requests,
)
from portal.scheduling import TERMINAL, Status

_ii = interview_interviewers
_OPEN = [status.value for status in Status if status not in TERMINAL]
_HELD = [status.value for status in Status if status not in (Status.CANCELLED, Status.NO_SHOW)]


@dataclass(frozen=True)
class Attention:
    """An interview on the home page, and the person it waits on (if one)."""

    interview_id: int
    starts_at: datetime
    ends_at: datetime
    candidate_name: str
    position_title: str
    person_name: str | None = None
    person_english_name: str | None = None

    @property
    def person_display_name(self) -> str | None:
        if self.person_english_name and self.person_name:
            return f"{self.person_name} ({self.person_english_name})"
        return self.person_name


_COLUMNS: list[Any] = [
    interviews.c.id.label("interview_id"),
    interviews.c.starts_at,
    interviews.c.ends_at,
    candidates.c.name.label("candidate_name"),
    positions.c.title.label("position_title"),
]
_INTERVIEW = interviews.join(candidates, candidates.c.id == interviews.c.candidate_id).join(
    positions, positions.c.id == interviews.c.position_id
)
_WITH_PANEL = _INTERVIEW.join(_ii, _ii.c.interview_id == interviews.c.id).join(
    people, people.c.id == _ii.c.person_id
)
_PERSON: list[Any] = [
    people.c.name.label("person_name"),
    people.c.english_name.label("person_english_name"),
]


_NOBODY: list[Any] = [sa.null().label("person_name"), sa.null().label("person_english_name")]


def _attention(row: Row) -> Attention:
    return Attention(**{name: row[name] for name in Attention.__dataclass_fields__})


async def _fetch(db: Database, query: sa.Select[Any], limit: int) -> list[Attention]:
    rows = await db.fetch_all(query.order_by(interviews.c.starts_at, interviews.c.id).limit(limit))
    return [_attention(row) for row in rows]


async def open_reschedule_requests(db: Database, *, limit: int) -> list[Attention]:
    """Interviews still open whose candidate asked for another time that HR has not handled."""
    asked = sa.select(reschedule_requests.c.interview_id).where(
        reschedule_requests.c.handled_at.is_(None)
    )
    query = (
        sa.select(*_COLUMNS, *_NOBODY)
        .select_from(_INTERVIEW)
        .where(interviews.c.id.in_(asked), interviews.c.status.in_(_OPEN))
    )
    return await _fetch(db, query, limit)


async def declines(db: Database, *, after: datetime, limit: int) -> list[Attention]:
    """Interviewers still on the panel of an open interview not over by `after` who declined."""
    query = (
        sa.select(*_COLUMNS, *_PERSON)
        .select_from(_WITH_PANEL)
        .where(
            _ii.c.active.is_(True),
            _ii.c.rsvp == "declined",
            interviews.c.status.in_(_OPEN),
            interviews.c.ends_at > after,
        )
    )
    return await _fetch(db, query, limit)


async def overdue_feedback(
    db: Database,
    *,
    ended_before: datetime,
    since: datetime,
    limit: int,
    person_id: int | None = None,
) -> list[Attention]:
    """Panel members without a submitted scorecard for an interview that took place (not
    cancelled, no no-show) and ended between `since` and `ended_before`; one person's or all."""
    submitted = sa.exists().where(
        feedback.c.interview_id == _ii.c.interview_id,
        feedback.c.person_id == _ii.c.person_id,
        feedback.c.status == "submitted",
    )
    query = (
        sa.select(*_COLUMNS, *_PERSON)
        .select_from(_WITH_PANEL)
        .where(
            _ii.c.active.is_(True),
            interviews.c.status.in_(_HELD),
            interviews.c.ends_at <= ended_before,
            interviews.c.ends_at > since,
            ~submitted,
        )
    )
    if person_id is not None:
        query = query.where(_ii.c.person_id == person_id)
    return await _fetch(db, query, limit)
