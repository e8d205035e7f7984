"""What a message needs, read straight from the tables at send time (the current state).

Kept to plain reads of `interviews`, `candidates`, `positions`, `interview_interviewers` and
`people`, so the worker depends on nothing but the schema. One batch of rows is loaded with a
handful of queries, not one per row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import (
    candidates,
    feedback,
    interview_interviewers,
    interviews,
    people,
    rooms,
)
from portal.db.tables import positions as positions_table


@dataclass(frozen=True)
class Recipient:
    """Who a row goes to; an unknown userid still gets the message, in the defaults."""

    userid: str
    person_id: int | None = None
    name: str | None = None
    locale: str | None = None
    timezone: str | None = None
    active: bool = True


@dataclass(frozen=True)
class Panelist:
    person_id: int
    userid: str
    name: str
    active: bool
    rsvp: str
    rsvp_reason: str | None
    schedule_id: str | None


@dataclass(frozen=True)
class InterviewInfo:
    id: int
    candidate: str
    position: str
    round: int
    starts_at: datetime
    ends_at: datetime
    timezone: str
    location: str | None
    room_url: str | None
    status: str
    version: int
    cancel_reason: str | None
    created_by: int | None
    panel: tuple[Panelist, ...]
    has_platform_room: bool = False  # the card's "Join" goes through the portal's redirect

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    def panelist(self, userid: str) -> Panelist | None:
        return next((p for p in self.panel if p.userid == userid), None)


_INTERVIEW_COLUMNS = (
    interviews.c.id,
    candidates.c.name.label("candidate"),
    positions_table.c.title.label("position"),
    interviews.c.round,
    interviews.c.starts_at,
    interviews.c.ends_at,
    interviews.c.timezone,
    interviews.c.location,
    interviews.c.room_url,
    interviews.c.status,
    interviews.c.version,
    interviews.c.cancel_reason,
    interviews.c.created_by,
    (rooms.c.interview_id.is_not(None)).label("has_platform_room"),
)


async def _panels(db: Database, ids: list[int]) -> dict[int, list[Panelist]]:
    rows = await db.fetch_all(
        sa.select(
            interview_interviewers.c.interview_id,
            interview_interviewers.c.person_id,
            interview_interviewers.c.active,
            interview_interviewers.c.rsvp,
            interview_interviewers.c.rsvp_reason,
            interview_interviewers.c.wecom_schedule_id,
            people.c.wecom_userid,
            people.c.name,
        )
        .join(people, people.c.id == interview_interviewers.c.person_id)
        .where(interview_interviewers.c.interview_id.in_(ids))
        .order_by(interview_interviewers.c.interview_id, people.c.name)
    )
    panels: dict[int, list[Panelist]] = {}
    for row in rows:
        panels.setdefault(row["interview_id"], []).append(
            Panelist(
                person_id=row["person_id"],
                userid=row["wecom_userid"],
                name=row["name"],
                active=bool(row["active"]),
                rsvp=row["rsvp"],
                rsvp_reason=row["rsvp_reason"],
                schedule_id=row["wecom_schedule_id"],
            )
        )
    return panels


async def load_interviews(db: Database, ids: Iterable[int]) -> dict[int, InterviewInfo]:
    """Interviews by id, each with its candidate, position and panel."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = await db.fetch_all(
        sa.select(*_INTERVIEW_COLUMNS)
        .join(candidates, candidates.c.id == interviews.c.candidate_id)
        .join(positions_table, positions_table.c.id == interviews.c.position_id)
        .outerjoin(
            rooms, sa.and_(rooms.c.interview_id == interviews.c.id, rooms.c.state != "closed")
        )
        .where(interviews.c.id.in_(wanted))
    )
    panels = await _panels(db, wanted)
    return {
        row["id"]: InterviewInfo(
            **{key: row[key] for key in row if key not in ("id", "has_platform_room")},
            has_platform_room=bool(row["has_platform_room"]),
            id=row["id"],
            panel=tuple(panels.get(row["id"], ())),
        )
        for row in rows
    }


async def interviews_between(db: Database, start: datetime, end: datetime) -> list[InterviewInfo]:
    """Interviews that start in [start, end), not cancelled, by start time (for the digest)."""
    ids = await db.fetch_all(
        sa.select(interviews.c.id).where(
            interviews.c.starts_at >= start,
            interviews.c.starts_at < end,
            interviews.c.status != "cancelled",
        )
    )
    found = await load_interviews(db, [row["id"] for row in ids])
    return sorted(found.values(), key=lambda info: (info.starts_at, info.id))


async def load_recipients(db: Database, userids: Iterable[str]) -> dict[str, Recipient]:
    wanted = sorted(set(userids))
    if not wanted:
        return {}
    rows = await db.fetch_all(
        sa.select(
            people.c.id,
            people.c.wecom_userid,
            people.c.name,
            people.c.locale,
            people.c.timezone,
            people.c.active,
        ).where(people.c.wecom_userid.in_(wanted))
    )
    return {
        row["wecom_userid"]: Recipient(
            userid=row["wecom_userid"],
            person_id=row["id"],
            name=row["name"],
            locale=row["locale"],
            timezone=row["timezone"],
            active=bool(row["active"]),
        )
        for row in rows
    }


async def person_names(db: Database, person_ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(person_ids))
    if not wanted:
        return {}
    rows = await db.fetch_all(sa.select(people.c.id, people.c.name).where(people.c.id.in_(wanted)))
    return {row["id"]: row["name"] for row in rows}


async def submitted_feedback(
    db: Database, pairs: Iterable[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Which (interview id, person id) pairs have submitted their scorecard."""
    wanted = set(pairs)
    if not wanted:
        return set()
    rows = await db.fetch_all(
        sa.select(feedback.c.interview_id, feedback.c.person_id).where(
            feedback.c.interview_id.in_({interview for interview, _ in wanted}),
            feedback.c.status == "submitted",
        )
    )
    return {(row["interview_id"], row["person_id"]) for row in rows} & wanted
