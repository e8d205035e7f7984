"""A candidate in a position's pipeline: the application row, HR's decisions, the pipeline read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database, Row
from portal.db.tables import (
    applications,
    candidates,
    decisions,
    feedback,
    interview_interviewers,
    interviews,
    outbox,
    people,
)
from portal.db.types import aware_utc
from portal.scheduling import Status
from portal.scheduling.pipeline import Stage, Standing


@dataclass(frozen=True)
class Application:
    id: int
    candidate_id: int
    position_id: int
    stage: Stage
    next_round: int

    @property
    def standing(self) -> Standing:
        return Standing(self.stage, self.next_round)


@dataclass(frozen=True)
class DecisionEntry:
    decision: str  # advance, reject, offer
    round: int
    note: str | None
    decided_by_name: str | None
    decided_at: datetime


@dataclass(frozen=True)
class PipelineInterview:
    """One interview (not cancelled) of a position, with how many scorecards are in."""

    candidate_id: int
    candidate_name: str
    round: int
    starts_at: datetime
    ends_at: datetime
    status: Status
    panel: int
    submitted: int


def _application(row: Row) -> Application:
    return Application(
        id=row["id"],
        candidate_id=row["candidate_id"],
        position_id=row["position_id"],
        stage=Stage(row["stage"]),
        next_round=row["next_round"],
    )


async def get_application(db: Database, candidate_id: int, position_id: int) -> Application | None:
    query = sa.select(applications).where(
        applications.c.candidate_id == candidate_id, applications.c.position_id == position_id
    )
    row = await db.fetch_one(query)
    return _application(row) if row else None


async def lock_application(
    db: Database, candidate_id: int, position_id: int, *, now: datetime
) -> Application:
    """The application, created if missing, its row locked until the transaction ends."""
    where = (applications.c.candidate_id == candidate_id, applications.c.position_id == position_id)
    exists = await db.fetch_val(sa.select(applications.c.id).where(*where))
    if exists is None:
        await db.execute(
            applications.insert().values(
                candidate_id=candidate_id,
                position_id=position_id,
                stage=Stage.ACTIVE.value,
                next_round=1,
                created_at=now,
                updated_at=now,
            )
        )
    row = await db.fetch_one(sa.select(applications).where(*where).with_for_update())
    assert row is not None
    return _application(row)


async def set_standing(
    db: Database, application_id: int, standing: Standing, *, now: datetime
) -> None:
    await db.execute(
        applications.update()
        .where(applications.c.id == application_id)
        .values(stage=standing.stage.value, next_round=standing.next_round, updated_at=now)
    )


async def insert_decision(
    db: Database,
    application_id: int,
    *,
    decision: str,
    round: int,
    note: str | None,
    decided_by: int | None,
    now: datetime,
) -> None:
    await db.execute(
        decisions.insert().values(
            application_id=application_id,
            decision=decision,
            round=round,
            note=note,
            decided_by=decided_by,
            decided_at=now,
        )
    )


async def list_decisions(db: Database, application_id: int) -> list[DecisionEntry]:
    """Every decision on the application, oldest first, with the decider's name."""
    query = (
        sa.select(decisions, people.c.name.label("decided_by_name"))
        .select_from(decisions.outerjoin(people, people.c.id == decisions.c.decided_by))
        .where(decisions.c.application_id == application_id)
        .order_by(decisions.c.id)
    )
    return [
        DecisionEntry(
            decision=row["decision"],
            round=row["round"],
            note=row["note"],
            decided_by_name=row["decided_by_name"],
            decided_at=row["decided_at"],
        )
        for row in await db.fetch_all(query)
    ]


async def pipeline_interviews(db: Database, position_id: int) -> list[PipelineInterview]:
    """Every interview of the position not cancelled, with panel and submitted counts: one
    query for the whole pipeline."""
    ii = interview_interviewers
    panel = (
        sa.select(sa.func.count())
        .where(ii.c.interview_id == interviews.c.id, ii.c.active.is_(True))
        .scalar_subquery()
    )
    submitted = (
        sa.select(sa.func.count())
        .select_from(
            feedback.join(
                ii,
                sa.and_(
                    ii.c.interview_id == feedback.c.interview_id,
                    ii.c.person_id == feedback.c.person_id,
                ),
            )
        )
        .where(
            feedback.c.interview_id == interviews.c.id,
            feedback.c.status == "submitted",
            ii.c.active.is_(True),
        )
        .scalar_subquery()
    )
    query = (
        sa.select(
            interviews.c.candidate_id,
            candidates.c.name.label("candidate_name"),
            interviews.c.round,
            interviews.c.starts_at,
            interviews.c.ends_at,
            interviews.c.status,
            panel.label("panel"),
            submitted.label("submitted"),
        )
        .select_from(interviews.join(candidates, candidates.c.id == interviews.c.candidate_id))
        .where(
            interviews.c.position_id == position_id,
            interviews.c.status != Status.CANCELLED.value,
        )
        .order_by(interviews.c.candidate_id, interviews.c.round, interviews.c.starts_at)
    )
    return [
        PipelineInterview(
            candidate_id=row["candidate_id"],
            candidate_name=row["candidate_name"],
            round=row["round"],
            starts_at=row["starts_at"],
            ends_at=row["ends_at"],
            status=Status(row["status"]),
            panel=row["panel"] or 0,
            submitted=row["submitted"] or 0,
        )
        for row in await db.fetch_all(query)
    ]


@dataclass(frozen=True)
class PipelineApplication:
    candidate_id: int
    candidate_name: str
    stage: Stage
    next_round: int
    last_decision: str | None
    last_decided_at: datetime | None


async def pipeline_applications(db: Database, position_id: int) -> list[PipelineApplication]:
    """The position's applications with each one's last decision (one query)."""
    last = (
        sa.select(sa.func.max(decisions.c.id))
        .where(decisions.c.application_id == applications.c.id)
        .correlate(applications)  # not `decisions`: the outer query joins it too
        .scalar_subquery()
    )
    query = (
        sa.select(
            applications.c.candidate_id,
            candidates.c.name.label("candidate_name"),
            applications.c.stage,
            applications.c.next_round,
            decisions.c.decision,
            decisions.c.decided_at,
        )
        .select_from(
            applications.join(candidates, candidates.c.id == applications.c.candidate_id).outerjoin(
                decisions, decisions.c.id == last
            )
        )
        .where(applications.c.position_id == position_id)
    )
    return [
        PipelineApplication(
            candidate_id=row["candidate_id"],
            candidate_name=row["candidate_name"],
            stage=Stage(row["stage"]),
            next_round=row["next_round"],
            last_decision=row["decision"],
            last_decided_at=row["decided_at"],
        )
        for row in await db.fetch_all(query)
    ]


async def last_nudge_at(db: Database, interview_id: int, recipient: str) -> datetime | None:
    """When HR last nudged `recipient` about this interview's scorecard (queued), if ever."""
    query: Any = sa.select(sa.func.max(outbox.c.created_at)).where(
        outbox.c.kind == "feedback_nudge",
        outbox.c.interview_id == interview_id,
        outbox.c.recipient == recipient,
    )
    value = await db.fetch_val(query)
    return value if isinstance(value, datetime) else None


async def last_nudges(db: Database, interview_id: int) -> dict[str, datetime]:
    """When HR last nudged each recipient about this interview's scorecard: one query for a
    whole panel (`last_nudge_at` is the one-person read)."""
    query: Any = (
        sa.select(outbox.c.recipient, sa.func.max(outbox.c.created_at).label("at"))
        .where(outbox.c.kind == "feedback_nudge", outbox.c.interview_id == interview_id)
        .group_by(outbox.c.recipient)
    )
    return {row["recipient"]: aware_utc(row["at"]) for row in await db.fetch_all(query)}
