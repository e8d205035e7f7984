"""Interview feedback (scorecards): one per interviewer and interview, draft then submitted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database, Row
from portal.db.tables import feedback, interviews, people, plan_rounds
from portal.scheduling import Scorecard, Status
from portal.scheduling.kits import FocusArea, areas_to_json
from portal.scheduling.scorecards import (
    ScoredArea,
    StructuredCard,
    scored_areas,
    scores_to_json,
)


@dataclass(frozen=True)
class FeedbackEntry:
    id: int
    interview_id: int
    person_id: int
    person_name: str
    rating: int | None
    recommendation: str | None
    strengths: str | None
    concerns: str | None
    notes: str | None
    status: str  # draft, submitted
    submitted_at: datetime | None
    updated_at: datetime
    structure: Any  # the focus areas it was written against (`scheduling.kits`), or None
    scores: Any  # {area key: {"rating", "notes"}}, or None

    @property
    def structured(self) -> bool:
        """Written against a kit's focus areas (else the legacy card)."""
        return bool(self.structure)

    @property
    def rows(self) -> tuple[ScoredArea, ...]:
        """The card's own copy of its focus areas with their scores, never today's kit."""
        return scored_areas(self.structure, self.scores)


def _select() -> sa.Select[tuple[object, ...]]:
    return sa.select(feedback, people.c.name.label("person_name")).select_from(
        feedback.join(people, people.c.id == feedback.c.person_id)
    )


def _entry(row: Row) -> FeedbackEntry:
    return FeedbackEntry(**{name: row[name] for name in FeedbackEntry.__dataclass_fields__})


async def list_feedback(db: Database, interview_id: int) -> list[FeedbackEntry]:
    """Every scorecard of an interview, drafts included (the caller filters by viewer)."""
    query = _select().where(feedback.c.interview_id == interview_id).order_by(feedback.c.id)
    return [_entry(row) for row in await db.fetch_all(query)]


async def get_feedback(db: Database, interview_id: int, person_id: int) -> FeedbackEntry | None:
    query = _select().where(
        feedback.c.interview_id == interview_id, feedback.c.person_id == person_id
    )
    row = await db.fetch_one(query)
    return _entry(row) if row else None


async def write_feedback(
    db: Database,
    interview_id: int,
    person_id: int,
    card: Scorecard,
    *,
    exists: bool,
    now: datetime,
) -> None:
    """Insert or overwrite the scorecard; `card.submit` makes it final."""
    values: dict[str, Any] = {
        "rating": card.rating,
        "recommendation": None if card.recommendation is None else card.recommendation.value,
        "strengths": card.strengths,
        "concerns": card.concerns,
        "notes": card.notes,
        "status": "submitted" if card.submit else "draft",
        "submitted_at": now if card.submit else None,
        "updated_at": now,
        "structure": None,
        "scores": None,
    }
    await _write(db, interview_id, person_id, values, exists=exists, now=now)


async def write_structured(
    db: Database,
    interview_id: int,
    person_id: int,
    card: StructuredCard,
    areas: tuple[FocusArea, ...],
    *,
    exists: bool,
    now: datetime,
) -> None:
    """Insert or overwrite a structured card with the kit's `areas` as its structure."""
    values: dict[str, Any] = {
        "rating": None,
        "recommendation": None if card.recommendation is None else card.recommendation.value,
        "strengths": None,
        "concerns": None,
        "notes": card.notes,
        "status": "submitted" if card.submit else "draft",
        "submitted_at": now if card.submit else None,
        "updated_at": now,
        "structure": areas_to_json(areas),
        "scores": scores_to_json(card.scores),
    }
    await _write(db, interview_id, person_id, values, exists=exists, now=now)


async def _write(
    db: Database,
    interview_id: int,
    person_id: int,
    values: dict[str, Any],
    *,
    exists: bool,
    now: datetime,
) -> None:
    if exists:
        await db.execute(
            feedback.update()
            .where(feedback.c.interview_id == interview_id, feedback.c.person_id == person_id)
            .values(**values)
        )
    else:
        await db.execute(
            feedback.insert().values(
                interview_id=interview_id, person_id=person_id, created_at=now, **values
            )
        )


@dataclass(frozen=True)
class RoundFeedback:
    """One scorecard of a candidate's pipeline for a position, with the round it belongs to."""

    entry: FeedbackEntry
    interview_id: int
    round: int
    round_name: str | None
    starts_at: datetime
    interview_status: Status


async def list_pipeline_feedback(
    db: Database, candidate_id: int, position_id: int
) -> list[RoundFeedback]:
    """Every scorecard (drafts included) of the candidate's interviews for the position, by
    round and start; the caller filters by viewer (`scheduling.feedback`, `.pipeline`)."""
    query = (
        sa.select(
            feedback,
            people.c.name.label("person_name"),
            interviews.c.round,
            interviews.c.starts_at,
            interviews.c.status.label("interview_status"),
            plan_rounds.c.name.label("round_name"),
        )
        .select_from(
            feedback.join(people, people.c.id == feedback.c.person_id)
            .join(interviews, interviews.c.id == feedback.c.interview_id)
            .outerjoin(plan_rounds, plan_rounds.c.id == interviews.c.plan_round_id)
        )
        .where(interviews.c.candidate_id == candidate_id, interviews.c.position_id == position_id)
        .order_by(interviews.c.round, interviews.c.starts_at, feedback.c.id)
    )
    return [
        RoundFeedback(
            entry=_entry(row),
            interview_id=row["interview_id"],
            round=row["round"],
            round_name=row["round_name"],
            starts_at=row["starts_at"],
            interview_status=Status(row["interview_status"]),
        )
        for row in await db.fetch_all(query)
    ]
