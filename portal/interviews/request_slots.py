"""A candidate's reschedule request resolved in one click (issue 16).

`slots_in_request` lists, inside each window the candidate proposed, the starts where the
whole current panel and the candidate are free for the interview's length (the slot engine,
with the booking rules). `apply_request_slot` moves the interview to one of them through the
same `reschedule` use case as HR's form, so cards, calendars and candidate notices follow, and
that use case closes the open request in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.db.availability import availability_inputs
from portal.db.database import Database
from portal.db.interviews import InterviewDetail, candidate_bookings
from portal.db.reschedule_requests import RescheduleRequest, Window, open_reschedule_requests
from portal.i18n import N_
from portal.interviews.booking import reschedule
from portal.interviews.checks import DEFAULT_POLICY, BookingPolicy
from portal.interviews.common import Publisher
from portal.scheduling import Actor, Slot, UtcRange, ValidationFailed
from portal.scheduling.availability import Reason, SlotQuery, free_slots, reads_window
from portal.scheduling.conflicts import Rules
from portal.scheduling.validation import RescheduleDraft

# At most this many starts are offered per proposed window, best first.
PER_WINDOW = 8

REQUEST_GONE = N_("This request was already handled.")
OUTSIDE_WINDOWS = N_("Choose a time inside the windows the candidate proposed.")


@dataclass(frozen=True)
class RequestSlot:
    slot: Slot
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class WindowSlots:
    window: Window
    slots: tuple[RequestSlot, ...]


async def slots_in_request(
    db: Database,
    interview: InterviewDetail,
    request: RescheduleRequest,
    now: datetime,
    rules: Rules,
    *,
    default_timezone: str = "Asia/Shanghai",
    per_window: int = PER_WINDOW,
) -> list[WindowSlots]:
    """For each proposed window, the best starts (at most `per_window`) the panel can all take."""
    panel = interview.interviewer_ids
    duration = interview.ends_at - interview.starts_at
    found: list[WindowSlots] = []
    for window in request.windows:
        span = UtcRange(window.starts_at, window.ends_at)
        if span.duration < duration:
            found.append(WindowSlots(window, ()))
            continue
        query = SlotQuery(
            duration=duration,
            window=span,
            viewer_zone=request.timezone,
            panel_size=len(panel),
            required=panel,
            pool=panel,
        )
        reads = reads_window(query)
        interviewers, bookings, blocks = await availability_inputs(
            db, panel, reads, default_timezone=default_timezone
        )
        theirs = await candidate_bookings(db, interview.candidate_id, reads)
        options = free_slots(
            query,
            now=now,
            interviewers=interviewers,
            bookings=bookings,
            blocks=blocks,
            rules=rules,
            load={},
            candidate_bookings=theirs,
            editing=interview.id,
        )
        chosen = [o for o in options if o.slot != interview.slot][:per_window]
        chosen.sort(key=lambda o: o.slot.starts_at)
        found.append(WindowSlots(window, tuple(RequestSlot(o.slot, o.reasons) for o in chosen)))
    return found


async def open_request(db: Database, interview_id: int) -> RescheduleRequest | None:
    return (await open_reschedule_requests(db, [interview_id])).get(interview_id)


async def apply_request_slot(
    db: Database,
    broadcaster: Publisher,
    interview: InterviewDetail,
    *,
    request_id: int,
    starts_at: datetime,
    version: int,
    actor: Actor,
    now: datetime,
    policy: BookingPolicy = DEFAULT_POLICY,
) -> InterviewDetail:
    """Move `interview` to `starts_at` inside its open request `request_id`'s windows.

    Refusals: `ValidationFailed` (request already handled, time outside the windows),
    `StaleInterview` (`version` is old), `BookingConflict` (taken meanwhile). The reschedule
    use case marks the request handled in its own transaction.
    """
    request = await open_request(db, interview.id)
    if request is None or request.id != request_id:
        raise ValidationFailed({"form": REQUEST_GONE}, {})
    slot = Slot.starting(starts_at, interview.ends_at - interview.starts_at)
    if not any(
        w.starts_at <= slot.starts_at and slot.ends_at <= w.ends_at for w in request.windows
    ):
        raise ValidationFailed({"form": OUTSIDE_WINDOWS}, {})
    draft = RescheduleDraft(slot, interview.timezone, None, False, version)
    return await reschedule(
        db, broadcaster, interview.id, draft, actor=actor, now=now, policy=policy
    )
