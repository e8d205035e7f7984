"""Interview feedback (scorecards): one per interviewer and interview, draft then submitted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.db.database import Database, Row
from portal.db.tables import feedback, people
from portal.scheduling import Scorecard


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
    values = {
        "rating": card.rating,
        "recommendation": None if card.recommendation is None else card.recommendation.value,
        "strengths": card.strengths,
        "concerns": card.concerns,
        "notes": card.notes,
        "status": "submitted" if card.submit else "draft",
        "submitted_at": now if card.submit else None,
        "updated_at": now,
    }
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
