"""What a replacement reads: everyone who has had a seat on an interview, on it or taken off."""

from __future__ import annotations

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import interview_interviewers


async def ever_on_panel(db: Database, interview_id: int) -> set[int]:
    """The people with a panel row on the interview, active or not (a decliner taken off
    stays here, so they are never proposed back)."""
    ii = interview_interviewers
    rows = await db.fetch_all(sa.select(ii.c.person_id).where(ii.c.interview_id == interview_id))
    return {int(row["person_id"]) for row in rows}
