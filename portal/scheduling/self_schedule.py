"""Candidate self-scheduling rules (issue 16), pure: what "choose your time" offers and allows.

HR invites a candidate to choose a start for a round: a panel (all required) or a round's
pool and a panel size, a length, the next `days` working days and a minimum notice. The
candidate sees the starts the slot engine finds free; the booking's own conflict check
decides at the moment they pick.

After booking, the candidate may move the interview through the same picker while
`can_move_self` says so (up to `cutoff_hours` before the start, at most `max_moves` times);
otherwise they ask HR for another time, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from portal.scheduling.candidate_rules import Decision
from portal.scheduling.fields import FormReader, RawForm
from portal.scheduling.messages import N_
from portal.scheduling.slots import Slot
from portal.scheduling.states import Status
from portal.scheduling.timezones import UtcRange, local_date, local_to_utc, utc_to_local

WORKING_DAYS = frozenset(range(5))  # Monday to Friday, in the candidate's zone
MAX_DAYS = 20
MAX_NOTICE_HOURS = 168
MAX_PANEL = 5

MOVE_CLOSED = N_("Your interview can no longer be moved online. Please ask for another time.")
MOVE_TOO_LATE = N_(
    "Moving online is possible until %(hours)s hours before the start. Please ask for another time."
)
MOVES_USED = N_("You have already moved this interview. Please ask for another time.")
PANEL_TOO_SMALL = N_("Choose at least as many interviewers as the panel size, or a round.")
PANEL_TOO_LARGE = N_("A panel has at most %(max)s interviewers.")


@dataclass(frozen=True, slots=True)
class SelfScheduleDraft:
    """A valid "choose your time" form."""

    candidate_id: int
    position_id: int
    plan_round_id: int | None
    duration: timedelta
    panel_size: int
    interviewer_ids: tuple[int, ...]
    days: int
    min_notice: timedelta


@dataclass(frozen=True, slots=True)
class PickDay:
    """One local day of the picker and its starts, in time order."""

    day: date
    slots: tuple[Slot, ...]


def picking_window(
    now: datetime,
    zone: str,
    *,
    days: int,
    min_notice: timedelta,
    working_days: frozenset[int] = WORKING_DAYS,
) -> UtcRange:
    """From `now` to the end of the `days`th working day in `zone`, counting from the first
    working day the notice leaves any time on (today included)."""
    day = local_date(now + min_notice, zone)
    counted = 0
    while True:
        if day.weekday() in working_days:
            counted += 1
            if counted >= days:
                break
        day += timedelta(days=1)
    end = local_to_utc(datetime.combine(day + timedelta(days=1), time(0)), zone)
    return UtcRange(now, end)


def by_day(slots: Iterable[Slot], zone: str) -> list[PickDay]:
    """The starts grouped by the candidate's local day, each day and its starts in order."""
    days: dict[date, list[Slot]] = {}
    for slot in sorted(slots, key=lambda s: s.starts_at):
        days.setdefault(utc_to_local(slot.starts_at, zone).date(), []).append(slot)
    return [PickDay(day, tuple(found)) for day, found in days.items()]


def can_move_self(
    now: datetime,
    *,
    status: Status,
    starts_at: datetime,
    moves: int,
    cutoff_hours: int,
    max_moves: int,
) -> Decision:
    """The candidate may pick another time themselves: still upcoming, not yet here, before
    the cutoff, and fewer than `max_moves` moves so far."""
    if status not in (Status.SCHEDULED, Status.CONFIRMED) or now >= starts_at:
        return Decision(False, MOVE_CLOSED)
    if moves >= max_moves:
        return Decision(False, MOVES_USED)
    if starts_at - now < timedelta(hours=cutoff_hours):
        return Decision(False, MOVE_TOO_LATE, {"hours": cutoff_hours})
    return Decision(True)


def validate_self_schedule(
    form: RawForm, *, candidate_id: int, position_id: int, pool_size: int
) -> SelfScheduleDraft:
    """HR's form: length, panel size, required interviewers, days and notice.

    `pool_size` is how many active people the chosen round's pool has (0 without a round):
    the panel is made of the required interviewers and, when they are fewer, the pool.
    """
    reader = FormReader(form)
    plan_round = reader.identifiers("plan_round_id")
    duration = reader.integer("duration", low=15, high=480)
    size = reader.integer("panel_size", low=1, high=MAX_PANEL)
    required = tuple(dict.fromkeys(reader.identifiers("interviewer_ids")))
    days = reader.integer("days", low=1, high=MAX_DAYS)
    notice = reader.integer("min_notice_hours", low=0, high=MAX_NOTICE_HOURS)
    if len(required) > MAX_PANEL:
        reader.fail("interviewer_ids", PANEL_TOO_LARGE, {"max": MAX_PANEL})
    elif size is not None and len(set(required)) + pool_size < size:
        reader.fail("interviewer_ids", PANEL_TOO_SMALL)
    reader.finish()
    assert duration is not None and size is not None and days is not None and notice is not None
    return SelfScheduleDraft(
        candidate_id=candidate_id,
        position_id=position_id,
        plan_round_id=plan_round[0] if plan_round else None,
        duration=timedelta(minutes=duration),
        panel_size=max(size, len(required)),
        interviewer_ids=required,
        days=days,
        min_notice=timedelta(hours=notice),
    )
