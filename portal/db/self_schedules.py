"""Candidate self-scheduling rows (issue 16): "choose your time" invitations.

`claim` is the one-winner step of a pick: a conditional update that only the first
transaction to reach the row makes (PostgreSQL's row lock makes the others wait and then see
it taken; SQLite's write lock serialises them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database, Row
from portal.db.outbox import dedupe_key
from portal.db.tables import (
    candidates,
    interviews,
    outbox,
    plan_rounds,
    positions,
    self_schedules,
    share_links,
)
from portal.db.types import aware_utc
from portal.scheduling.self_schedule import SelfScheduleDraft


@dataclass(frozen=True)
class SelfSchedule:
    id: int
    candidate_id: int
    position_id: int
    plan_round_id: int | None
    round: int
    duration: timedelta
    panel_size: int
    interviewer_ids: tuple[int, ...]
    days: int
    min_notice: timedelta
    created_by: int | None
    created_at: datetime
    interview_id: int | None
    booked_at: datetime | None
    moves: int
    withdrawn_at: datetime | None
    # Joined for the pages and mail: who it is for, and for what.
    candidate_name: str = ""
    candidate_email: str | None = None
    candidate_timezone: str | None = None
    candidate_language: str | None = None
    position_title: str = ""
    round_name: str | None = None

    @property
    def state(self) -> str:
        """`open` (waiting for the candidate), `booked` or `withdrawn`."""
        if self.withdrawn_at is not None:
            return "withdrawn"
        return "booked" if self.booked_at is not None else "open"


def _columns() -> list[Any]:
    return [
        self_schedules,
        candidates.c.name.label("candidate_name"),
        candidates.c.email.label("candidate_email"),
        candidates.c.timezone.label("candidate_timezone"),
        candidates.c.language.label("candidate_language"),
        positions.c.title.label("position_title"),
        plan_rounds.c.name.label("round_name"),
    ]


def _select() -> sa.Select[Any]:
    joined = self_schedules.join(candidates, candidates.c.id == self_schedules.c.candidate_id).join(
        positions, positions.c.id == self_schedules.c.position_id
    )
    joined = joined.outerjoin(plan_rounds, plan_rounds.c.id == self_schedules.c.plan_round_id)
    return sa.select(*_columns()).select_from(joined)


def _row(row: Row) -> SelfSchedule:
    ids = row["interviewer_ids"] or []
    return SelfSchedule(
        id=row["id"],
        candidate_id=row["candidate_id"],
        position_id=row["position_id"],
        plan_round_id=row["plan_round_id"],
        round=row["round"],
        duration=timedelta(minutes=row["duration_minutes"]),
        panel_size=row["panel_size"],
        interviewer_ids=tuple(int(i) for i in ids),
        days=row["days"],
        min_notice=timedelta(hours=row["min_notice_hours"]),
        created_by=row["created_by"],
        created_at=aware_utc(row["created_at"]),
        interview_id=row["interview_id"],
        booked_at=row["booked_at"] and aware_utc(row["booked_at"]),
        moves=row["moves"],
        withdrawn_at=row["withdrawn_at"] and aware_utc(row["withdrawn_at"]),
        candidate_name=row["candidate_name"],
        candidate_email=(row["candidate_email"] or "").strip() or None,
        candidate_timezone=row["candidate_timezone"],
        candidate_language=row["candidate_language"],
        position_title=row["position_title"],
        round_name=row["round_name"],
    )


async def add_self_schedule(
    db: Database, draft: SelfScheduleDraft, *, round_number: int, created_by: int | None,
    now: datetime,
) -> int:  # fmt: skip
    """A new invitation; returns its id. Call inside the caller's transaction."""
    new_id = await db.execute(
        self_schedules.insert().values(
            candidate_id=draft.candidate_id,
            position_id=draft.position_id,
            plan_round_id=draft.plan_round_id,
            round=round_number,
            duration_minutes=int(draft.duration.total_seconds() // 60),
            panel_size=draft.panel_size,
            interviewer_ids=list(draft.interviewer_ids),
            days=draft.days,
            min_notice_hours=int(draft.min_notice.total_seconds() // 3600),
            created_by=created_by,
            created_at=now,
            moves=0,
        )
    )
    return int(new_id)


async def get_self_schedule(db: Database, self_schedule_id: int) -> SelfSchedule | None:
    row = await db.fetch_one(_select().where(self_schedules.c.id == self_schedule_id))
    return _row(row) if row else None


async def self_schedule_for(db: Database, interview_id: int) -> SelfSchedule | None:
    """The invitation an interview was chosen through, if it was."""
    row = await db.fetch_one(_select().where(self_schedules.c.interview_id == interview_id))
    return _row(row) if row else None


async def candidate_self_schedules(db: Database, candidate_id: int) -> list[SelfSchedule]:
    """A candidate's invitations, newest first (HR's view)."""
    rows = await db.fetch_all(
        _select()
        .where(self_schedules.c.candidate_id == candidate_id)
        .order_by(self_schedules.c.id.desc())
    )
    return [_row(row) for row in rows]


async def open_self_schedules(db: Database, candidate_ids: Sequence[int]) -> list[SelfSchedule]:
    """The invitations still waiting for these candidates, oldest first."""
    if not candidate_ids:
        return []
    rows = await db.fetch_all(
        _select()
        .where(
            self_schedules.c.candidate_id.in_(list(candidate_ids)),
            self_schedules.c.booked_at.is_(None),
            self_schedules.c.withdrawn_at.is_(None),
        )
        .order_by(self_schedules.c.id)
    )
    return [_row(row) for row in rows]


async def claim(db: Database, self_schedule_id: int, *, now: datetime) -> bool:
    """Mark the invitation booked if nobody has yet; False when another pick won it."""
    won = await db.fetch_val(
        self_schedules.update()
        .where(
            self_schedules.c.id == self_schedule_id,
            self_schedules.c.booked_at.is_(None),
            self_schedules.c.withdrawn_at.is_(None),
        )
        .values(booked_at=now)
        .returning(self_schedules.c.id)
    )
    return won is not None


async def attach_interview(
    db: Database, self_schedule_id: int, interview_id: int, *, created_by: int | None
) -> None:
    """The pick's interview: named on the invitation, and HR's who invited (their notices)."""
    await db.execute(
        self_schedules.update()
        .where(self_schedules.c.id == self_schedule_id)
        .values(interview_id=interview_id)
    )
    if created_by is not None:
        await db.execute(
            interviews.update().where(interviews.c.id == interview_id).values(created_by=created_by)
        )


async def count_move(db: Database, self_schedule_id: int) -> None:
    await db.execute(
        self_schedules.update()
        .where(self_schedules.c.id == self_schedule_id)
        .values(moves=self_schedules.c.moves + 1)
    )


async def withdraw(db: Database, self_schedule_id: int, *, at: datetime) -> bool:
    """HR takes back an invitation not yet booked; False when it was booked or withdrawn."""
    done = await db.fetch_val(
        self_schedules.update()
        .where(
            self_schedules.c.id == self_schedule_id,
            self_schedules.c.booked_at.is_(None),
            self_schedules.c.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=at)
        .returning(self_schedules.c.id)
    )
    return done is not None


async def save_candidate_language(db: Database, candidate_id: int, language: str) -> None:
    """The language the candidate reads their page in; their email follows it."""
    await db.execute(
        candidates.update().where(candidates.c.id == candidate_id).values(language=language)
    )


async def choose_mail_status(db: Database, schedule_ids: Sequence[int]) -> dict[int, str]:
    """Each invitation's "choose your time" email, as the outbox has it (pending, sending,
    sent, dead, cancelled); an invitation that was not emailed is absent."""
    if not schedule_ids:
        return {}
    links = await db.fetch_all(
        sa.select(share_links.c.id, share_links.c.self_schedule_id).where(
            share_links.c.self_schedule_id.in_(list(schedule_ids))
        )
    )
    # The key `notify.mail_choice` gives the row: the invitation and the link it carries.
    keys = {
        dedupe_key("mail_choose", f"s{row['self_schedule_id']}", row["id"]): row["self_schedule_id"]
        for row in links
    }
    if not keys:
        return {}
    rows = await db.fetch_all(
        sa.select(outbox.c.dedupe_key, outbox.c.status).where(outbox.c.dedupe_key.in_(list(keys)))
    )
    return {keys[row["dedupe_key"]]: str(row["status"]) for row in rows}
