"""Conflict detection for a proposed booking.

Overlaps (closer than the buffer) for an interviewer or the candidate block the booking unless
HR overrides them; the override keeps them in the list as warnings, so the choice stays visible.
An interviewer's away block blocks the same way. Caps and working hours only warn: HR knows
about the exception, the calendar does not.
A booking in the past always blocks; the override is about overlaps only.

Days and weeks for the caps are the interviewer's own (their time zone, weeks start on Monday);
a booking counts on the local day it starts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum

from portal.errors import DomainError
from portal.scheduling.messages import N_
from portal.scheduling.slots import Slot
from portal.scheduling.states import Status
from portal.scheduling.timezones import local_date, utc_to_local, week_start
from portal.scheduling.unavailable import AwayBlock

INTERVIEWER_BUSY = N_("This interviewer already has an interview at this time.")
INTERVIEWER_TOO_CLOSE = N_(
    "This interviewer has another interview less than %(buffer)s minutes before or after."
)
CANDIDATE_BUSY = N_("The candidate already has an interview at this time.")
CANDIDATE_TOO_CLOSE = N_(
    "The candidate has another interview less than %(buffer)s minutes before or after."
)
DAILY_CAP = N_(
    "This would be interview %(count)s of the day for this interviewer (limit %(limit)s)."
)
WEEKLY_CAP = N_(
    "This would be interview %(count)s of the week for this interviewer (limit %(limit)s)."
)
DAY_OFF = N_("This time falls on the interviewer's day off.")
OUTSIDE_HOURS = N_("This time is outside the interviewer's working hours (%(start)s–%(end)s).")
IN_PAST = N_("This time is in the past.")
BLOCKED = N_("This time conflicts with other bookings.")
AWAY = N_("This interviewer is away at this time.")
AWAY_NOTE = N_("This interviewer is away at this time (%(note)s).")


class ConflictKind(StrEnum):
    INTERVIEWER_OVERLAP = "interviewer_overlap"
    CANDIDATE_OVERLAP = "candidate_overlap"
    DAILY_CAP = "daily_cap"
    WEEKLY_CAP = "weekly_cap"
    OUTSIDE_WORKING_HOURS = "outside_working_hours"
    IN_PAST = "in_past"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """Local working hours; `weekdays` uses `date.weekday()` (Monday is 0)."""

    start: time = time(9)
    end: time = time(18)
    weekdays: frozenset[int] = frozenset(range(5))

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("working hours must end after they start")


@dataclass(frozen=True, slots=True)
class Rules:
    buffer: timedelta = timedelta(minutes=15)
    daily_cap: int | None = 4
    weekly_cap: int | None = 12
    working_hours: WorkingHours | None = WorkingHours()


DEFAULT_RULES = Rules()


@dataclass(frozen=True, slots=True)
class Interviewer:
    """A proposed interviewer; `None` settings fall back to the `Rules`."""

    person_id: int
    timezone: str
    working_hours: WorkingHours | None = None
    daily_cap: int | None = None
    weekly_cap: int | None = None


@dataclass(frozen=True, slots=True)
class Booking:
    """An existing booking; `person_id` is None for the candidate's own bookings."""

    person_id: int | None
    interview_id: int
    slot: Slot
    status: Status = Status.SCHEDULED
    active: bool = True

    def occupies(self, editing: int | None) -> bool:
        # The interview being edited must not conflict with its own old time.
        return self.active and self.status != Status.CANCELLED and self.interview_id != editing


@dataclass(frozen=True, slots=True)
class Conflict:
    kind: ConflictKind
    person_id: int | None
    interview_id: int | None
    message: str
    params: dict[str, object] = field(default_factory=dict)
    blocking: bool = False


class BookingConflict(DomainError):
    status = 409

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        super().__init__(BLOCKED, {"count": len(conflicts)})
        self.conflicts = list(conflicts)


def blocking(conflicts: Iterable[Conflict]) -> list[Conflict]:
    """The conflicts that stop the booking."""
    return [conflict for conflict in conflicts if conflict.blocking]


def raise_if_blocking(conflicts: Iterable[Conflict]) -> None:
    """Raise `BookingConflict` listing the blocking conflicts, if any."""
    stoppers = blocking(conflicts)
    if stoppers:
        raise BookingConflict(stoppers)


def detect_conflicts(
    slot: Slot,
    *,
    now: datetime,
    interviewers: Sequence[Interviewer],
    interviewer_bookings: Iterable[Booking],
    candidate_bookings: Iterable[Booking] = (),
    rules: Rules = DEFAULT_RULES,
    editing: int | None = None,
    override: bool = False,
    blocks: Iterable[AwayBlock] = (),
) -> list[Conflict]:
    """Everything wrong with booking `slot`; `editing` is the interview being changed."""
    found: list[Conflict] = []
    if slot.starts_at < now:
        found.append(Conflict(ConflictKind.IN_PAST, None, None, IN_PAST, blocking=True))
    by_person: defaultdict[int | None, list[Booking]] = defaultdict(list)
    for booking in interviewer_bookings:
        if booking.occupies(editing):
            by_person[booking.person_id].append(booking)
    for person in interviewers:
        found += _person_conflicts(slot, person, by_person[person.person_id], rules, override)
    found += _away(slot, {person.person_id for person in interviewers}, blocks, override)
    theirs = [booking for booking in candidate_bookings if booking.occupies(editing)]
    found += _overlaps(slot, None, theirs, rules.buffer, override)
    return found


def _person_conflicts(
    slot: Slot, person: Interviewer, bookings: list[Booking], rules: Rules, override: bool
) -> list[Conflict]:
    return [
        *_overlaps(slot, person.person_id, bookings, rules.buffer, override),
        *_caps(slot, person, bookings, rules),
        *_working_hours(slot, person, rules),
    ]


def _overlaps(
    slot: Slot, person_id: int | None, bookings: list[Booking], buffer: timedelta, override: bool
) -> list[Conflict]:
    if person_id is None:
        kind, busy, too_close = ConflictKind.CANDIDATE_OVERLAP, CANDIDATE_BUSY, CANDIDATE_TOO_CLOSE
    else:
        kind, busy, too_close = (
            ConflictKind.INTERVIEWER_OVERLAP,
            INTERVIEWER_BUSY,
            INTERVIEWER_TOO_CLOSE,
        )
    minutes = buffer // timedelta(minutes=1)
    return [
        Conflict(
            kind,
            person_id,
            booking.interview_id,
            busy if slot.overlaps(booking.slot) else too_close,
            {"buffer": minutes},
            blocking=not override,
        )
        for booking in bookings
        if slot.overlaps(booking.slot, buffer)
    ]


def _away(
    slot: Slot, person_ids: set[int], blocks: Iterable[AwayBlock], override: bool
) -> list[Conflict]:
    # The person said they are away: as binding as a booking, so HR must override it.
    return [
        Conflict(
            ConflictKind.UNAVAILABLE,
            block.person_id,
            None,
            AWAY_NOTE if block.note else AWAY,
            {"note": block.note} if block.note else {},
            blocking=not override,
        )
        for block in blocks
        if block.person_id in person_ids and block.overlaps(slot)
    ]


def _caps(slot: Slot, person: Interviewer, bookings: list[Booking], rules: Rules) -> list[Conflict]:
    day = local_date(slot.starts_at, person.timezone)
    days = [local_date(booking.slot.starts_at, person.timezone) for booking in bookings]
    same_day = 1 + days.count(day)
    same_week = 1 + sum(1 for other in days if week_start(other) == week_start(day))
    daily = rules.daily_cap if person.daily_cap is None else person.daily_cap
    weekly = rules.weekly_cap if person.weekly_cap is None else person.weekly_cap
    return [
        *_over_cap(ConflictKind.DAILY_CAP, DAILY_CAP, person.person_id, same_day, daily),
        *_over_cap(ConflictKind.WEEKLY_CAP, WEEKLY_CAP, person.person_id, same_week, weekly),
    ]


def _over_cap(
    kind: ConflictKind, message: str, person_id: int, count: int, limit: int | None
) -> list[Conflict]:
    if limit is None or count <= limit:
        return []
    return [Conflict(kind, person_id, None, message, {"count": count, "limit": limit})]


def _working_hours(slot: Slot, person: Interviewer, rules: Rules) -> list[Conflict]:
    hours = rules.working_hours if person.working_hours is None else person.working_hours
    if hours is None:
        return []
    start = utc_to_local(slot.starts_at, person.timezone)
    end = utc_to_local(slot.ends_at, person.timezone)
    params: dict[str, object] = {}
    if start.weekday() not in hours.weekdays:
        message = DAY_OFF
    elif end.date() != start.date() or start.time() < hours.start or end.time() > hours.end:
        message = OUTSIDE_HOURS
        params = {"start": hours.start.strftime("%H:%M"), "end": hours.end.strftime("%H:%M")}
    else:
        return []
    kind = ConflictKind.OUTSIDE_WORKING_HOURS
    return [Conflict(kind, person.person_id, None, message, params)]
