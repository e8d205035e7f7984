"""What the candidate's share-link page allows right now, and why not when it doesn't.

Each rule returns a `Decision` whose `reason` is a msgid the page shows instead of the button.
The state machine (`states.transition`) stays the final guard when the action is taken; these
rules use the same windows so the page never offers what the transition would refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from portal.scheduling.messages import N_
from portal.scheduling.states import EARLY_WINDOW, Status

ROOM_NOT_OPEN = N_("The room opens %(minutes)s minutes before the start.")
CHECK_IN_NOT_OPEN = N_("Check-in opens %(minutes)s minutes before the start.")
INTERVIEW_OVER = N_("This interview has ended.")
INTERVIEW_CANCELLED = N_("This interview was cancelled.")
ALREADY_CONFIRMED = N_("You have already confirmed this interview.")
ALREADY_CHECKED_IN = N_("You have already checked in.")
TOO_LATE_TO_CANCEL = N_(
    "Cancelling online is possible until %(hours)s hours before the start. Please contact us."
)
NOT_AVAILABLE = N_("This is no longer possible for this interview.")

_EARLY = {"minutes": EARLY_WINDOW // timedelta(minutes=1)}
_CLOSED = {Status.COMPLETED, Status.NO_SHOW}


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str | None = None
    params: dict[str, object] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def _no(reason: str, params: Mapping[str, object] | None = None) -> Decision:
    return Decision(False, reason, dict(params or {}))


def _status_refusal(status: Status) -> Decision | None:
    if status == Status.CANCELLED:
        return _no(INTERVIEW_CANCELLED)
    return _no(INTERVIEW_OVER) if status in _CLOSED else None


def join_opens_at(starts_at: datetime, early: timedelta = EARLY_WINDOW) -> datetime:
    """When the room link becomes active."""
    return starts_at - early


def can_join(
    now: datetime,
    *,
    status: Status,
    starts_at: datetime,
    ends_at: datetime,
    early: timedelta = EARLY_WINDOW,
    grace: timedelta = timedelta(0),
) -> Decision:
    """The room link works from `early` before the start until `grace` after the end, or
    longer while the interview is still running."""
    refusal = _status_refusal(status)
    if refusal is not None:
        return refusal
    if now < join_opens_at(starts_at, early):
        return _no(ROOM_NOT_OPEN, {"minutes": early // timedelta(minutes=1)})
    if now >= ends_at + grace and status != Status.IN_PROGRESS:
        return _no(INTERVIEW_OVER)
    return ALLOWED


def can_check_in(
    now: datetime, *, status: Status, starts_at: datetime, ends_at: datetime
) -> Decision:
    """Check-in opens with the room and closes at the end."""
    refusal = _status_refusal(status)
    if refusal is not None:
        return refusal
    if status not in (Status.SCHEDULED, Status.CONFIRMED):
        return _no(ALREADY_CHECKED_IN if status == Status.CHECKED_IN else NOT_AVAILABLE)
    if now < starts_at - EARLY_WINDOW:
        return _no(CHECK_IN_NOT_OPEN, _EARLY)
    return _no(INTERVIEW_OVER) if now >= ends_at else ALLOWED


def can_cancel(
    now: datetime, *, status: Status, starts_at: datetime, cutoff_hours: int
) -> Decision:
    """The candidate may cancel until `cutoff_hours` before the start; later, they call HR."""
    refusal = _status_refusal(status)
    if refusal is not None:
        return refusal
    if status == Status.IN_PROGRESS:
        return _no(NOT_AVAILABLE)
    if now > starts_at - timedelta(hours=cutoff_hours):
        return _no(TOO_LATE_TO_CANCEL, {"hours": cutoff_hours})
    return ALLOWED


def can_confirm(now: datetime, *, status: Status, ends_at: datetime) -> Decision:
    """Confirming is possible while the interview is scheduled and not over."""
    refusal = _status_refusal(status)
    if refusal is not None:
        return refusal
    if status != Status.SCHEDULED:
        return _no(ALREADY_CONFIRMED if status == Status.CONFIRMED else NOT_AVAILABLE)
    return _no(INTERVIEW_OVER) if now >= ends_at else ALLOWED
