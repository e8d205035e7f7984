"""HR changes an interviewer's booking limits (hours, days, caps), audited."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from portal.db import audit
from portal.db.database import Database
from portal.db.interviewers import InterviewerProfile, interviewer_profiles, limits_of
from portal.db.people import set_limits
from portal.errors import NotFound
from portal.scheduling import Actor
from portal.scheduling.limits import Limits


async def get_profile(db: Database, person_id: int) -> InterviewerProfile:
    """The person's scheduling profile, or NotFound."""
    found = await interviewer_profiles(db, [person_id])
    if not found:
        raise NotFound()
    return found[0]


async def change_limits(
    db: Database, *, person_id: int, limits: Limits, actor: Actor, now: datetime
) -> InterviewerProfile:
    """Store `limits` (all None: the defaults) and record who changed what."""
    async with db.transaction():
        before = limits_of(await get_profile(db, person_id))
        await set_limits(db, person_id, limits, now=now)
        await audit.record(
            db,
            "limits_changed",
            actor=actor,
            at=now,
            target_kind="person",
            target_id=person_id,
            detail={"from": asdict(before), "to": asdict(limits)},
        )
        return await get_profile(db, person_id)
