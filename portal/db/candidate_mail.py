"""What candidate email reads: the candidate's address for an interview (issue 16)."""

from __future__ import annotations

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import candidates, interviews, outbox


async def candidate_email(db: Database, interview_id: int) -> str | None:
    """The interview's candidate's email address, or None when they gave none."""
    value = await db.fetch_val(
        sa.select(candidates.c.email)
        .select_from(interviews.join(candidates, candidates.c.id == interviews.c.candidate_id))
        .where(interviews.c.id == interview_id)
    )
    return str(value).strip() or None if value else None


async def candidate_was_mailed(db: Database, interview_id: int, kinds: tuple[str, ...]) -> bool:
    """Whether the candidate was sent (or is being sent) mail of these kinds about it."""
    found = await db.fetch_val(
        sa.select(outbox.c.id)
        .where(outbox.c.interview_id == interview_id, outbox.c.kind.in_(kinds))
        .limit(1)
    )
    return found is not None
