"""What a candidate's share-link page reads: the interview (scheduling's query) and the zone
the candidate's browser reported last time."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.interviews import InterviewDetail, get_detail
from portal.db.tables import candidates


@dataclass(frozen=True)
class CandidateInterview:
    detail: InterviewDetail
    candidate_timezone: str | None

    @property
    def id(self) -> int:
        return self.detail.id

    @property
    def interviewer_names(self) -> tuple[str, ...]:
        """Who the candidate will meet; empty when HR hides the panel."""
        if self.detail.hide_interviewers:
            return ()
        return tuple(m.display_name for m in self.detail.panel if m.rsvp != "declined")


async def candidate_interview(db: Database, interview_id: int) -> CandidateInterview | None:
    detail = await get_detail(db, interview_id)
    if detail is None:
        return None
    timezone = await db.fetch_val(
        sa.select(candidates.c.timezone).where(candidates.c.id == detail.candidate_id)
    )
    return CandidateInterview(detail, timezone)


async def save_candidate_timezone(db: Database, *, candidate_id: int, timezone: str) -> None:
    """Remember the zone the candidate's browser reported (later visits, other devices)."""
    await db.execute(
        candidates.update().where(candidates.c.id == candidate_id).values(timezone=timezone)
    )
