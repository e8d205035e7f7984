"""Writing a person's booking limits (read them with `portal.db.interviewers`)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from portal.db.database import Database
from portal.db.interviewers import InterviewerProfile
from portal.db.tables import people
from portal.scheduling.limits import Limits


def limits_of(profile: InterviewerProfile) -> Limits:
    return Limits(
        work_start_minute=profile.work_start_minute,
        work_end_minute=profile.work_end_minute,
        work_days=profile.work_days,
        daily_cap=profile.daily_cap,
        weekly_cap=profile.weekly_cap,
    )


async def set_limits(db: Database, person_id: int, limits: Limits, *, now: datetime) -> None:
    await db.execute(
        people.update().where(people.c.id == person_id).values(updated_at=now, **asdict(limits))
    )
