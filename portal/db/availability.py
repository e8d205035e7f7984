"""What the slot engine reads: the people asked about, their bookings and their blocks."""

from __future__ import annotations

from collections.abc import Sequence

from portal.db.database import Database
from portal.db.interviewers import interviewer_profiles, limits_of
from portal.db.interviews import bookings_for
from portal.db.unavailable import blocks_overlapping
from portal.scheduling.availability import Unavailable
from portal.scheduling.conflicts import Booking, Interviewer
from portal.scheduling.limits import working_hours
from portal.scheduling.timezones import UtcRange


async def availability_inputs(
    db: Database,
    person_ids: Sequence[int],
    window: UtcRange,
    *,
    default_timezone: str = "Asia/Shanghai",
) -> tuple[list[Interviewer], list[Booking], tuple[Unavailable, ...]]:
    """The active people among `person_ids`, their bookings overlapping `window`, their blocks.

    Pass `availability.reads_window(query)` as `window` so the caps see whole weeks.
    """
    profiles = [p for p in await interviewer_profiles(db, person_ids) if p.active]
    interviewers = [
        Interviewer(
            person_id=p.id,
            timezone=p.timezone or default_timezone,
            # None: the application's default hours (the `Rules`) apply.
            working_hours=working_hours(limits_of(p), None),
            daily_cap=p.daily_cap,
            weekly_cap=p.weekly_cap,
        )
        for p in profiles
    ]
    booked = await bookings_for(db, [i.person_id for i in interviewers], window)
    away = await blocks_overlapping(db, window, [i.person_id for i in interviewers])
    blocks = tuple(Unavailable(b.person_id, UtcRange(b.starts_at, b.ends_at)) for b in away)
    return interviewers, booked, blocks
