"""Loading what the conflict rules need (people, their bookings) and running them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from portal.db.database import Database
from portal.db.interviewers import InterviewerProfile, interviewer_profiles
from portal.db.interviews import bookings_for, candidate_bookings
from portal.db.unavailable import blocks_overlapping
from portal.interviews.errors import UNKNOWN_INTERVIEWER
from portal.scheduling import (
    DEFAULT_RULES,
    Conflict,
    ConflictKind,
    Interviewer,
    Rules,
    Slot,
    UtcRange,
    ValidationFailed,
    WorkingHours,
    detect_conflicts,
)
from portal.scheduling.conflicts import INTERVIEWER_BUSY
from portal.settings import Settings

# Wide enough for the weekly cap in any time zone: a local week is at most 7 days + 26 hours.
_CAP_WINDOW = timedelta(days=8)
OVERLAPS = frozenset(
    {ConflictKind.INTERVIEWER_OVERLAP, ConflictKind.CANDIDATE_OVERLAP, ConflictKind.UNAVAILABLE}
)


@dataclass(frozen=True)
class BookingPolicy:
    """The booking rules in force and the zone of people who did not choose one."""

    rules: Rules = field(default_factory=lambda: DEFAULT_RULES)
    default_timezone: str = "Asia/Shanghai"
    # The candidate's link stops working this long after the interview ends.
    link_grace_hours: int = 24
    # An interview platform is configured: interviews that want a room get one made there.
    platform_rooms: bool = False
    # An SMTP server is configured (issue 16): candidates with an address get email.
    candidate_mail: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> BookingPolicy:
        rules = Rules(buffer=timedelta(minutes=settings.booking_buffer_minutes))
        return cls(
            rules=rules,
            default_timezone=settings.timezone,
            link_grace_hours=settings.link_grace_hours,
            candidate_mail=settings.mail is not None,
            platform_rooms=settings.platform is not None,
        )


DEFAULT_POLICY = BookingPolicy()


def _minute(value: int) -> time:
    return time(value // 60, value % 60) if value < 24 * 60 else time(23, 59)


def _working_hours(profile: InterviewerProfile) -> WorkingHours | None:
    start, end = profile.work_start_minute, profile.work_end_minute
    if start is None or end is None or end <= start:
        return None  # the application's default hours apply
    days = frozenset(int(d) for d in (profile.work_days or "01234") if d in "0123456")
    return WorkingHours(_minute(start), _minute(end), days)


def as_interviewer(profile: InterviewerProfile, policy: BookingPolicy) -> Interviewer:
    return Interviewer(
        person_id=profile.id,
        timezone=profile.timezone or policy.default_timezone,
        working_hours=_working_hours(profile),
        daily_cap=profile.daily_cap,
        weekly_cap=profile.weekly_cap,
    )


async def available_profiles(db: Database, person_ids: Sequence[int]) -> list[InterviewerProfile]:
    """The chosen interviewers, or `ValidationFailed` if one is unknown or inactive."""
    profiles = [p for p in await interviewer_profiles(db, person_ids) if p.active]
    if len(profiles) != len(set(person_ids)):
        raise ValidationFailed({"interviewer_ids": UNKNOWN_INTERVIEWER}, {})
    return profiles


async def find_conflicts(
    db: Database,
    slot: Slot,
    *,
    interviewers: Sequence[InterviewerProfile],
    candidate_id: int | None,
    editing: int | None,
    now: datetime,
    policy: BookingPolicy,
    override: bool,
) -> list[Conflict]:
    """Everything the rules say about booking these people (and the candidate) into `slot`."""
    window = UtcRange(slot.starts_at - _CAP_WINDOW, slot.ends_at + _CAP_WINDOW)
    booked_ids = [p.id for p in interviewers]
    booked = await bookings_for(db, booked_ids, window)
    theirs = []
    if candidate_id is not None:
        theirs = await candidate_bookings(db, candidate_id, window)
    away = await blocks_overlapping(db, UtcRange(slot.starts_at, slot.ends_at), booked_ids)
    return detect_conflicts(
        slot,
        now=now,
        interviewers=[as_interviewer(p, policy) for p in interviewers],
        interviewer_bookings=booked,
        candidate_bookings=theirs,
        rules=policy.rules,
        editing=editing,
        override=override,
        blocks=[block.as_away() for block in away],
    )


def overlapped(conflicts: Sequence[Conflict]) -> set[int]:
    """Interviewers booked over a true overlap (HR overrode it): the database must allow it."""
    return {
        c.person_id for c in conflicts if c.message == INTERVIEWER_BUSY and c.person_id is not None
    }


def overridden(conflicts: Sequence[Conflict]) -> list[dict[str, object]]:
    """The overlaps HR chose to book over, for the audit log."""
    return [
        {"kind": c.kind.value, "person_id": c.person_id, "interview_id": c.interview_id}
        for c in conflicts
        if c.kind in OVERLAPS and not c.blocking
    ]
