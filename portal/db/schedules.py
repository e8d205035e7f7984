"""The WeCom calendar event kept for each panelist (`interview_interviewers.wecom_schedule_id`),
and the calendars the app created for them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal.db.database import Database, upsert
from portal.db.tables import interview_interviewers, wecom_calendars


async def keep_first_schedule(
    db: Database, interview_id: int, person_id: int, schedule_id: str
) -> str | None:
    """Store `schedule_id` unless the panelist already has one; returns the id now kept.

    Written as soon as WeCom answers, in its own transaction: an id that waited for the end of
    the worker's batch was lost when the worker died, and the retry added a second event.
    """
    ii = interview_interviewers
    mine = sa.and_(ii.c.interview_id == interview_id, ii.c.person_id == person_id)
    async with db.transaction():
        # Conditional, so two syncs adding at once keep one event (the loser deletes its own).
        await db.execute(
            ii.update()
            .where(mine, ii.c.wecom_schedule_id.is_(None))
            .values(wecom_schedule_id=schedule_id)
        )
        kept: str | None = await db.fetch_val(sa.select(ii.c.wecom_schedule_id).where(mine))
    return kept


async def forget_schedule(
    db: Database, interview_id: int, person_id: int, schedule_id: str
) -> None:
    """Clear the panelist's event if it is still `schedule_id` (deleted, or gone in WeCom)."""
    ii = interview_interviewers
    await db.execute(
        ii.update()
        .where(
            ii.c.interview_id == interview_id,
            ii.c.person_id == person_id,
            ii.c.wecom_schedule_id == schedule_id,
        )
        .values(wecom_schedule_id=None)
    )


async def calendar_id(db: Database, purpose: str) -> str | None:
    """The app's WeCom calendar for `purpose`, if one was created."""
    found: str | None = await db.fetch_val(
        sa.select(wecom_calendars.c.cal_id).where(wecom_calendars.c.purpose == purpose)
    )
    return found


async def keep_first_calendar(db: Database, purpose: str, cal_id: str, *, now: datetime) -> str:
    """Store `cal_id` unless another worker stored one first; returns the one kept."""
    await db.execute(
        upsert(db, wecom_calendars)
        .values(purpose=purpose, cal_id=cal_id, updated_at=now)
        .on_conflict_do_nothing(index_elements=["purpose"])
    )
    kept = await calendar_id(db, purpose)
    assert kept is not None
    return kept
