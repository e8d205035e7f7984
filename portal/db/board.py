"""The HR board's one query: a day's interviews with just what a row shows, panel included.

Kept apart from `interviews.py` and narrow on purpose: the board is the page under load (see
bench/pages.py). Each interview is one row, its panel aggregated to JSON by the database, and
the statement is compiled once per dialect: with `databases`, SQLAlchemy compilation and
per-cell decoding cost more than PostgreSQL's execution of the query itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from portal.db.database import Database, Row
from portal.db.rsvp_followup import invited_at
from portal.db.tables import (
    candidates,
    interview_interviewers,
    interviews,
    people,
    plan_rounds,
    positions,
    reschedule_requests,
    rooms,
)
from portal.db.types import UTCDateTime
from portal.scheduling import Status, UtcRange
from portal.scheduling.rsvp_followup import rsvp_overdue


@dataclass(frozen=True)
class BoardMember:
    person_id: int
    name: str
    english_name: str | None
    rsvp: str
    overlap_override: bool = False  # HR booked them over another interview ("book anyway")
    no_reply: bool = False  # asked 2 working days ago and still pending (`rsvp_followup`)

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.english_name})" if self.english_name else self.name


@dataclass(frozen=True)
class BoardRoom:
    """What a board row shows of the platform room (the same names as `RoomSummary`)."""

    state: str
    platform_status: str | None
    rating: int | None


@dataclass(frozen=True)
class BoardEntry:
    id: int
    starts_at: datetime
    ends_at: datetime
    status: Status
    round: int
    candidate_name: str
    position_id: int
    position_title: str
    panel: tuple[BoardMember, ...]
    reschedule_requested: bool = False  # the candidate asked for another time; HR hasn't acted
    room: BoardRoom | None = None
    round_name: str | None = None  # the plan round it was booked as
    replaced: bool = False  # a decliner was taken off the panel (a replacement was invited)

    @property
    def interviewer_ids(self) -> tuple[int, ...]:
        return tuple(member.person_id for member in self.panel)


def _panel_json(is_postgres: bool) -> sa.ScalarSelect[Any]:
    ii = interview_interviewers
    fields = (
        "id",
        ii.c.person_id,
        "name",
        people.c.name,
        "en",
        people.c.english_name,
        "rsvp",
        ii.c.rsvp,
        "ov",
        ii.c.overlap_override,
        "inv",  # when a pending member was last asked to reply
        sa.case((ii.c.rsvp == "pending", invited_at(ii.c.interview_id, people.c.wecom_userid))),
    )
    member = sa.func.json_build_object(*fields) if is_postgres else sa.func.json_object(*fields)
    gather = sa.func.json_agg(member) if is_postgres else sa.func.json_group_array(member)
    return (
        sa.select(gather)
        .select_from(ii.join(people, people.c.id == ii.c.person_id))
        .where(ii.c.interview_id == interviews.c.id, ii.c.active.is_(True))
        .scalar_subquery()
    )


@cache
def _statement(is_postgres: bool) -> sa.TextualSelect:
    """The board query as SQL text with typed result columns, compiled once."""
    query = (
        sa.select(
            interviews.c.id,
            interviews.c.starts_at,
            interviews.c.ends_at,
            interviews.c.status,
            interviews.c.round,
            candidates.c.name.label("candidate_name"),
            interviews.c.position_id,
            positions.c.title.label("position_title"),
            _panel_json(is_postgres).label("panel"),
            sa.exists()
            .where(
                reschedule_requests.c.interview_id == interviews.c.id,
                reschedule_requests.c.handled_at.is_(None),
            )
            .label("reschedule_requested"),
            rooms.c.state.label("room_state"),
            rooms.c.platform_status.label("room_platform_status"),
            rooms.c.rating.label("room_rating"),
            plan_rounds.c.name.label("round_name"),
            interviews.c.timezone,
            sa.exists()
            .where(
                interview_interviewers.c.interview_id == interviews.c.id,
                interview_interviewers.c.active.is_(False),
                interview_interviewers.c.rsvp == "declined",
            )
            .label("replaced"),
        )
        .select_from(
            interviews.join(candidates, candidates.c.id == interviews.c.candidate_id)
            .join(positions, positions.c.id == interviews.c.position_id)
            .outerjoin(rooms, rooms.c.interview_id == interviews.c.id)
            .outerjoin(plan_rounds, plan_rounds.c.id == interviews.c.plan_round_id)
        )
        .where(
            # Placeholders for the text's typed binds (a typed bind would render a `::` cast
            # that text() does not parse as a parameter).
            interviews.c.starts_at >= sa.literal_column(":start"),
            interviews.c.starts_at < sa.literal_column(":end"),
        )
        .order_by(interviews.c.starts_at, interviews.c.id)
    )
    module: Any = postgresql if is_postgres else sqlite
    dialect: Dialect = module.dialect()
    sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    return (
        sa.text(sql)
        .bindparams(
            sa.bindparam("start", type_=UTCDateTime()), sa.bindparam("end", type_=UTCDateTime())
        )
        .columns(
            sa.column("id", sa.Integer),
            sa.column("starts_at", UTCDateTime()),
            sa.column("ends_at", UTCDateTime()),
            sa.column("status", sa.String),
            sa.column("round", sa.Integer),
            sa.column("candidate_name", sa.String),
            sa.column("position_id", sa.Integer),
            sa.column("position_title", sa.String),
            sa.column("panel", sa.String),  # JSON text, decoded per row
            sa.column("reschedule_requested", sa.Boolean),
            sa.column("room_state", sa.String),
            sa.column("room_platform_status", sa.String),
            sa.column("room_rating", sa.Integer),
            sa.column("round_name", sa.String),
            sa.column("timezone", sa.String),
            sa.column("replaced", sa.Boolean),
        )
    )


async def list_for_day(
    db: Database, *, day_range: UtcRange, now: datetime | None = None
) -> list[BoardEntry]:
    """Every interview starting within `day_range`, in time order, with its panel.

    Filters are the caller's: the board's counts and filter choices need the whole day. With
    `now`, members who have not replied for 2 working days are marked `no_reply`.
    """
    statement = _statement(db.is_postgres).bindparams(start=day_range.start, end=day_range.end)
    rows = await db.fetch_all(statement)
    return [_entry(row, now) for row in rows]


def _no_reply(member: dict[str, Any], now: datetime | None, zone: str) -> bool:
    asked = member.get("inv")
    if now is None or not isinstance(asked, str):
        return False
    moment = datetime.fromisoformat(asked)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return rsvp_overdue(moment, now, zone)


def _entry(row: Row, now: datetime | None = None) -> BoardEntry:
    zone = row["timezone"] or "UTC"
    members = [
        BoardMember(
            m["id"], m["name"], m["en"], m["rsvp"], bool(m.get("ov")), _no_reply(m, now, zone)
        )
        for m in json.loads(row["panel"] or "[]")
        if m["id"] is not None
    ]
    return BoardEntry(
        id=row["id"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        status=Status(row["status"]),
        round=row["round"],
        candidate_name=row["candidate_name"],
        position_id=row["position_id"],
        position_title=row["position_title"],
        panel=tuple(sorted(members, key=lambda m: (m.name, m.person_id))),
        reschedule_requested=bool(row["reschedule_requested"]),
        room=None
        if row["room_state"] is None
        else BoardRoom(row["room_state"], row["room_platform_status"], row["room_rating"]),
        round_name=row["round_name"],
        replaced=bool(row["replaced"]),
    )
