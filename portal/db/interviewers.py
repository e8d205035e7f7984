"""What scheduling needs to know about people: zone, working hours, caps, reachability."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import people
from portal.scheduling.limits import Limits


@dataclass(frozen=True)
class InterviewerProfile:
    id: int
    wecom_userid: str
    name: str
    english_name: str | None
    timezone: str | None
    active: bool
    work_start_minute: int | None
    work_end_minute: int | None
    work_days: str | None
    daily_cap: int | None
    weekly_cap: int | None

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.english_name})" if self.english_name else self.name


def limits_of(profile: InterviewerProfile) -> Limits:
    """The booking limits in a profile (write them with `portal.db.people.set_limits`)."""
    return Limits(
        work_start_minute=profile.work_start_minute,
        work_end_minute=profile.work_end_minute,
        work_days=profile.work_days,
        daily_cap=profile.daily_cap,
        weekly_cap=profile.weekly_cap,
    )


async def interviewer_profiles(db: Database, person_ids: Sequence[int]) -> list[InterviewerProfile]:
    """The profiles of these people, in the order asked (unknown ids are left out)."""
    if not person_ids:
        return []
    columns = [people.c[name] for name in InterviewerProfile.__dataclass_fields__]
    rows = await db.fetch_all(sa.select(*columns).where(people.c.id.in_(list(person_ids))))
    by_id = {
        row["id"]: InterviewerProfile(
            **{k: row[k] for k in InterviewerProfile.__dataclass_fields__}
        )
        for row in rows
    }
    return [by_id[person_id] for person_id in person_ids if person_id in by_id]
