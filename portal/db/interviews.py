"""Reading interviews: one interview with its panel, a day's board, a person's list, bookings.

Each list is two queries whatever its length: the interviews (joined with candidate, position
and the people who created and last changed them), then the panels of all of them at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database, Row
from portal.db.rooms import RoomSummary, summary_columns, summary_from
from portal.db.tables import (
    candidates,
    interview_interviewers,
    interviews,
    people,
    plan_rounds,
    positions,
    rooms,
)
from portal.scheduling import Booking, Slot, Status, UtcRange
from portal.scheduling.slots import MAX_DURATION

_creator = people.alias("creator")
_updater = people.alias("updater")


@dataclass(frozen=True)
class PanelMember:
    """An interviewer on an interview, with their reply."""

    person_id: int
    wecom_userid: str
    name: str
    english_name: str | None
    timezone: str | None
    rsvp: str  # pending, accepted, declined
    rsvp_reason: str | None
    responded_at: datetime | None
    overlap_override: bool

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.english_name})" if self.english_name else self.name


@dataclass(frozen=True)
class InterviewDetail:
    """An interview with its candidate, position, creator and active panel."""

    id: int
    candidate_id: int
    candidate_name: str
    candidate_phone: str | None
    candidate_email: str | None
    position_id: int
    position_title: str
    round: int
    starts_at: datetime
    ends_at: datetime
    timezone: str
    room_url: str | None
    room_kind: str  # technical, non_technical, none
    room_paper_uid: str | None
    plan_round_id: int | None  # the plan round it was booked as: its kit and scorecard
    round_name: str | None  # that round's name (技术一面), None without a plan
    location: str | None
    notes: str | None
    candidate_prep: str | None
    hide_interviewers: bool
    status: Status
    cancel_reason: str | None
    version: int
    created_by: int | None
    created_by_userid: str | None
    created_by_name: str | None
    updated_by: int | None
    updated_by_name: str | None
    created_at: datetime
    updated_at: datetime
    panel: tuple[PanelMember, ...] = ()
    room: RoomSummary | None = None  # the interview platform's room, if it has one

    @property
    def slot(self) -> Slot:
        return Slot(self.starts_at, self.ends_at)

    @property
    def interviewer_ids(self) -> tuple[int, ...]:
        return tuple(member.person_id for member in self.panel)

    def member(self, person_id: int) -> PanelMember | None:
        return next((m for m in self.panel if m.person_id == person_id), None)


_member_person = people.alias("member")
_ii = interview_interviewers
_COLUMNS: list[Any] = [
    interviews,
    candidates.c.name.label("candidate_name"),
    candidates.c.phone.label("candidate_phone"),
    candidates.c.email.label("candidate_email"),
    positions.c.title.label("position_title"),
    plan_rounds.c.name.label("round_name"),
    _creator.c.wecom_userid.label("created_by_userid"),
    _creator.c.name.label("created_by_name"),
    _updater.c.name.label("updated_by_name"),
    # The panel rides along (one row per interviewer): a list is one query, whatever its length.
    _ii.c.person_id.label("m_person_id"),
    _member_person.c.wecom_userid.label("m_wecom_userid"),
    _member_person.c.name.label("m_name"),
    _member_person.c.english_name.label("m_english_name"),
    _member_person.c.timezone.label("m_timezone"),
    _ii.c.rsvp.label("m_rsvp"),
    _ii.c.rsvp_reason.label("m_rsvp_reason"),
    _ii.c.responded_at.label("m_responded_at"),
    _ii.c.overlap_override.label("m_overlap_override"),
    *summary_columns(),
]
_JOINED = (
    interviews.join(candidates, candidates.c.id == interviews.c.candidate_id)
    .join(positions, positions.c.id == interviews.c.position_id)
    .outerjoin(plan_rounds, plan_rounds.c.id == interviews.c.plan_round_id)
    .outerjoin(_creator, _creator.c.id == interviews.c.created_by)
    .outerjoin(_updater, _updater.c.id == interviews.c.updated_by)
    .outerjoin(rooms, rooms.c.interview_id == interviews.c.id)
    .outerjoin(_ii, sa.and_(_ii.c.interview_id == interviews.c.id, _ii.c.active.is_(True)))
    .outerjoin(_member_person, _member_person.c.id == _ii.c.person_id)
)
_FIELDS = [name for name in InterviewDetail.__dataclass_fields__ if name not in ("panel", "room")]
_MEMBER_FIELDS = list(PanelMember.__dataclass_fields__)


def _select() -> sa.Select[Any]:
    return sa.select(*_COLUMNS).select_from(_JOINED)


def _detail(row: Row) -> InterviewDetail:
    values = {name: row[name] for name in _FIELDS}
    values["status"] = Status(row["status"])
    return InterviewDetail(**values, room=summary_from(row))


def _member(row: Row) -> PanelMember:
    return PanelMember(**{name: row[f"m_{name}"] for name in _MEMBER_FIELDS})


async def _with_panels(db: Database, query: sa.Select[Any]) -> list[InterviewDetail]:
    """Fold the one-row-per-interviewer result back into interviews, in the query's order."""
    details: dict[int, InterviewDetail] = {}
    members: defaultdict[int, list[PanelMember]] = defaultdict(list)
    for row in await db.fetch_all(query):
        if row["id"] not in details:
            details[row["id"]] = _detail(row)
        if row["m_person_id"] is not None:
            members[row["id"]].append(_member(row))
    return [
        replace(detail, panel=tuple(sorted(members[key], key=lambda m: (m.name, m.person_id))))
        for key, detail in details.items()
    ]


async def get_detail(db: Database, interview_id: int) -> InterviewDetail | None:
    found = await _with_panels(db, _select().where(interviews.c.id == interview_id))
    return found[0] if found else None


async def lock_detail(db: Database, interview_id: int) -> InterviewDetail | None:
    """The interview, its row locked until the transaction ends (PostgreSQL; SQLite is serial)."""
    query = _select().where(interviews.c.id == interview_id).with_for_update(of=interviews)
    found = await _with_panels(db, query)
    return found[0] if found else None


def _overlapping(window: UtcRange) -> sa.ColumnElement[bool]:
    return sa.and_(interviews.c.starts_at < window.end, interviews.c.ends_at > window.start)


async def list_in_range(db: Database, *, window: UtcRange) -> list[InterviewDetail]:
    """Interviews overlapping `window` that are not cancelled (the week views)."""
    query = (
        _select()
        .where(_overlapping(window), interviews.c.status != Status.CANCELLED.value)
        .order_by(interviews.c.starts_at, interviews.c.id)
    )
    return await _with_panels(db, query)


async def list_candidate_interviews(
    db: Database, candidate_id: int, position_id: int
) -> list[InterviewDetail]:
    """Every interview of the candidate for the position, with its panel, by round then start."""
    query = (
        _select()
        .where(interviews.c.candidate_id == candidate_id, interviews.c.position_id == position_id)
        .order_by(interviews.c.round, interviews.c.starts_at, interviews.c.id)
    )
    return await _with_panels(db, query)


async def list_for_person(db: Database, person_id: int, window: UtcRange) -> list[InterviewDetail]:
    """The interviews `person_id` sits on (actively) that overlap `window`, in time order."""
    mine = sa.select(interview_interviewers.c.interview_id).where(
        interview_interviewers.c.person_id == person_id,
        interview_interviewers.c.active.is_(True),
    )
    query = (
        _select()
        .where(interviews.c.id.in_(mine), _overlapping(window))
        .order_by(interviews.c.starts_at, interviews.c.id)
    )
    return await _with_panels(db, query)


async def bookings_for(db: Database, person_ids: Sequence[int], window: UtcRange) -> list[Booking]:
    """The slots these people hold that overlap `window` (for conflict detection)."""
    if not person_ids:
        return []
    ii = interview_interviewers
    query = (
        sa.select(
            ii.c.person_id, ii.c.interview_id, ii.c.starts_at, ii.c.ends_at, interviews.c.status
        )
        .select_from(ii.join(interviews))
        .where(
            ii.c.person_id.in_(list(person_ids)),
            ii.c.holds_slot.is_(True),
            ii.c.starts_at < window.end,
            # No slot lasts longer than MAX_DURATION: this lower bound lets the
            # (person_id, starts_at) index scan just the window instead of all history.
            ii.c.starts_at > window.start - MAX_DURATION,
            ii.c.ends_at > window.start,
        )
    )
    return [
        Booking(
            row["person_id"],
            row["interview_id"],
            Slot(row["starts_at"], row["ends_at"]),
            Status(row["status"]),
        )
        for row in await db.fetch_all(query)
    ]


async def candidate_bookings(db: Database, candidate_id: int, window: UtcRange) -> list[Booking]:
    """The candidate's interviews overlapping `window` (person_id None, as the rules expect)."""
    query = sa.select(
        interviews.c.id, interviews.c.starts_at, interviews.c.ends_at, interviews.c.status
    ).where(
        interviews.c.candidate_id == candidate_id,
        interviews.c.status != Status.CANCELLED.value,
        _overlapping(window),
    )
    return [
        Booking(None, row["id"], Slot(row["starts_at"], row["ends_at"]), Status(row["status"]))
        for row in await db.fetch_all(query)
    ]


async def hr_recipients(db: Database, created_by: int | None) -> list[str]:
    """Who hears about an interview on HR's side: its creator, or every active HR person."""
    if created_by is not None:
        userid = await db.fetch_val(
            sa.select(people.c.wecom_userid).where(
                people.c.id == created_by, people.c.active.is_(True)
            )
        )
        if userid is not None:
            return [str(userid)]
    rows = await db.fetch_all(
        sa.select(people.c.wecom_userid)
        .where(people.c.active.is_(True), people.c.role == "hr")
        .order_by(people.c.id)
    )
    return [row["wecom_userid"] for row in rows]


async def count_interviews(db: Database) -> int:
    return int(await db.fetch_val(sa.select(sa.func.count()).select_from(interviews)) or 0)


async def count_statuses(db: Database, window: UtcRange) -> dict[str, int]:
    """How many interviews starting in `window` are in each status (the board's counts)."""
    query = (
        sa.select(interviews.c.status, sa.func.count().label("n"))
        .where(interviews.c.starts_at >= window.start, interviews.c.starts_at < window.end)
        .group_by(interviews.c.status)
    )
    return {row["status"]: int(row["n"]) for row in await db.fetch_all(query)}
