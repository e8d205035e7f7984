"""Interviewer load: per person, interviews in three windows, declines and no-shows.

One query: the panel seats in the widest window, summed per person with a CASE per window,
left-joined onto the people who interview, so someone with nothing still has a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import interview_interviewers, interviews, people
from portal.scheduling import Status, UtcRange

_ii = interview_interviewers


@dataclass(frozen=True)
class LoadWindows:
    """The UTC ranges the counts cover (the caller computes them in the viewer's zone)."""

    week: UtcRange
    month: UtcRange
    recent: UtcRange  # the last 90 days; declines and no-shows are counted over it too


@dataclass(frozen=True)
class InterviewerLoad:
    person_id: int
    name: str
    english_name: str | None
    week: int
    month: int
    recent: int
    declines: int
    no_shows: int

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.english_name})" if self.english_name else self.name


def _within(column: sa.ColumnElement[Any], window: UtcRange) -> sa.ColumnElement[bool]:
    return sa.and_(column >= window.start, column < window.end)


def _count(condition: sa.ColumnElement[bool], label: str) -> sa.Label[Any]:
    # Literal columns, not parameters: asyncpg would type a bare parameter as text.
    one, zero = sa.literal_column("1", sa.Integer), sa.literal_column("0", sa.Integer)
    return sa.func.coalesce(sa.func.sum(sa.case((condition, one), else_=zero)), zero).label(label)


def _counts(windows: LoadWindows) -> sa.Subquery:
    starts = interviews.c.starts_at
    # Load is a seat someone sits in: on the panel, not declined, the interview not called off.
    held = sa.and_(
        _ii.c.active, _ii.c.rsvp != "declined", interviews.c.status != Status.CANCELLED.value
    )
    no_show = sa.and_(_ii.c.active, interviews.c.status == Status.NO_SHOW.value)
    declined = sa.and_(_ii.c.rsvp == "declined", _within(_ii.c.responded_at, windows.recent))
    ranges = (windows.week, windows.month, windows.recent)
    earliest, latest = min(r.start for r in ranges), max(r.end for r in ranges)
    return (
        sa.select(
            _ii.c.person_id,
            _count(sa.and_(held, _within(starts, windows.week)), "week"),
            _count(sa.and_(held, _within(starts, windows.month)), "month"),
            _count(sa.and_(held, _within(starts, windows.recent)), "recent"),
            _count(declined, "declines"),
            _count(sa.and_(no_show, _within(starts, windows.recent)), "no_shows"),
        )
        .select_from(_ii.join(interviews, interviews.c.id == _ii.c.interview_id))
        .where(
            sa.or_(
                sa.and_(starts >= earliest, starts < latest),
                _within(_ii.c.responded_at, windows.recent),
            )
        )
        .group_by(_ii.c.person_id)
        .subquery("counts")
    )


async def interviewer_load(db: Database, *, windows: LoadWindows) -> list[InterviewerLoad]:
    """Every active interviewer (and anyone else with a seat in the windows), by name."""
    counts = _counts(windows)
    numbers = ("week", "month", "recent", "declines", "no_shows")
    query = (
        sa.select(
            people.c.id.label("person_id"),
            people.c.name,
            people.c.english_name,
            *[
                sa.func.coalesce(counts.c[name], sa.literal_column("0", sa.Integer)).label(name)
                for name in numbers
            ],
        )
        .select_from(people.outerjoin(counts, counts.c.person_id == people.c.id))
        .where(
            people.c.active,
            sa.not_(people.c.blocked),
            sa.or_(people.c.role == "interviewer", counts.c.person_id.is_not(None)),
        )
        .order_by(people.c.name, people.c.id)
    )
    rows = await db.fetch_all(query)
    return [
        InterviewerLoad(
            person_id=row["person_id"],
            name=row["name"],
            english_name=row["english_name"],
            **{name: int(row[name]) for name in numbers},
        )
        for row in rows
    ]
