"""The interview state machine: which status may follow which, for whom, and when.

    from / to     confirmed  checked_in  in_progress  completed  cancelled  no_show
    scheduled     H C        C P         H I P        -          H C        H I S  (after start)
    confirmed     -          C P         H I P        -          H C        H I S  (after start)
    checked_in    -          -           H I P        -          H C        -
    in_progress   -          -           -            H I P S    -          -
    completed, cancelled, no_show: terminal.

H = hr (admins act as hr), I = interviewer, C = candidate, P = interview platform (webhooks),
S = system (the sweeper that closes stale interviews). The platform's moves have no time
gates: it reports what happened in the room, early or late. The service checks that an
interviewer is on the interview; this module only knows actor kinds.

HR may do everything except check a candidate in: `checked_in` tells the interviewers the
candidate is present, so only the candidate (share link) or the platform (room opened) may
say so. HR can still start the interview without a check-in.

Time gates: check-in is open from `EARLY_WINDOW` before the start until the end; starting opens
`EARLY_WINDOW` before the start; a no-show needs the start time to have passed; confirming
needs the interview not to be over.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from portal.errors import DomainError
from portal.scheduling.messages import N_

EARLY_WINDOW = timedelta(minutes=15)


class Status(StrEnum):
    SCHEDULED = "scheduled"
    CONFIRMED = "confirmed"
    CHECKED_IN = "checked_in"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class ActorKind(StrEnum):
    HR = "hr"
    INTERVIEWER = "interviewer"
    CANDIDATE = "candidate"
    PLATFORM = "platform"
    SYSTEM = "system"


STATUS_LABELS: dict[Status, str] = {
    Status.SCHEDULED: N_("Scheduled"),
    Status.CONFIRMED: N_("Confirmed"),
    Status.CHECKED_IN: N_("Checked in"),
    Status.IN_PROGRESS: N_("In progress"),
    Status.COMPLETED: N_("Completed"),
    Status.CANCELLED: N_("Cancelled"),
    Status.NO_SHOW: N_("No-show"),
}

TERMINAL = frozenset({Status.COMPLETED, Status.CANCELLED, Status.NO_SHOW})

_S, _A = Status, ActorKind
_EDGES: dict[tuple[Status, Status], frozenset[ActorKind]] = {
    (_S.SCHEDULED, _S.CONFIRMED): frozenset({_A.HR, _A.CANDIDATE}),
    (_S.SCHEDULED, _S.CHECKED_IN): frozenset({_A.CANDIDATE, _A.PLATFORM}),
    (_S.SCHEDULED, _S.IN_PROGRESS): frozenset({_A.HR, _A.INTERVIEWER, _A.PLATFORM}),
    (_S.SCHEDULED, _S.CANCELLED): frozenset({_A.HR, _A.CANDIDATE}),
    (_S.SCHEDULED, _S.NO_SHOW): frozenset({_A.HR, _A.INTERVIEWER, _A.SYSTEM}),
    (_S.CONFIRMED, _S.CHECKED_IN): frozenset({_A.CANDIDATE, _A.PLATFORM}),
    (_S.CONFIRMED, _S.IN_PROGRESS): frozenset({_A.HR, _A.INTERVIEWER, _A.PLATFORM}),
    (_S.CONFIRMED, _S.CANCELLED): frozenset({_A.HR, _A.CANDIDATE}),
    (_S.CONFIRMED, _S.NO_SHOW): frozenset({_A.HR, _A.INTERVIEWER, _A.SYSTEM}),
    (_S.CHECKED_IN, _S.IN_PROGRESS): frozenset({_A.HR, _A.INTERVIEWER, _A.PLATFORM}),
    (_S.CHECKED_IN, _S.CANCELLED): frozenset({_A.HR, _A.CANDIDATE}),
    (_S.IN_PROGRESS, _S.COMPLETED): frozenset({_A.HR, _A.INTERVIEWER, _A.PLATFORM, _A.SYSTEM}),
}

CLOSED = N_("This interview is closed and can no longer change.")
UNCHANGED = N_("The interview already has this status.")
NOT_ALLOWED = N_("You are not allowed to make this change.")
CANNOT_RESCHEDULE = N_("An interview that has started or ended cannot be rescheduled.")
_UNREACHABLE: dict[Status, str] = {
    Status.SCHEDULED: N_("An interview cannot go back to scheduled."),
    Status.CONFIRMED: N_("Only a scheduled interview can be confirmed."),
    Status.CHECKED_IN: N_("Only a scheduled or confirmed interview can be checked in."),
    Status.IN_PROGRESS: N_("This interview has already started."),
    Status.COMPLETED: N_("Only an interview in progress can be completed."),
    Status.CANCELLED: N_("An interview that has started cannot be cancelled."),
    Status.NO_SHOW: N_("Only a scheduled or confirmed interview can be marked as a no-show."),
}
TOO_EARLY_CHECK_IN = N_("Check-in opens %(minutes)s minutes before the start.")
TOO_EARLY_START = N_("The interview can be started at most %(minutes)s minutes early.")
TOO_EARLY_NO_SHOW = N_("A no-show can only be recorded once the start time has passed.")
ALREADY_OVER = N_("This interview is already over.")


class InvalidTransition(DomainError):
    status = 409


_EARLY = {"minutes": EARLY_WINDOW // timedelta(minutes=1)}


def _time_refusal(
    target: Status, actor: ActorKind, now: datetime, starts_at: datetime, ends_at: datetime
) -> InvalidTransition | None:
    if actor == ActorKind.PLATFORM:  # it reports what happened in the room: no time gate
        return None
    if target == Status.CHECKED_IN and now < starts_at - EARLY_WINDOW:
        return InvalidTransition(TOO_EARLY_CHECK_IN, _EARLY)
    if target == Status.IN_PROGRESS and now < starts_at - EARLY_WINDOW:
        return InvalidTransition(TOO_EARLY_START, _EARLY)
    if target in (Status.CHECKED_IN, Status.CONFIRMED) and now >= ends_at:
        return InvalidTransition(ALREADY_OVER)
    if target == Status.NO_SHOW and now < starts_at:
        return InvalidTransition(TOO_EARLY_NO_SHOW)
    return None


def _refusal(
    current: Status,
    target: Status,
    actor: ActorKind,
    times: tuple[datetime, datetime, datetime],
) -> InvalidTransition | None:
    params = {"current": current.value, "target": target.value, "actor": actor.value}
    if current in TERMINAL:
        return InvalidTransition(CLOSED, params)
    if current == target:
        return InvalidTransition(UNCHANGED, params)
    actors = _EDGES.get((current, target))
    if actors is None:
        return InvalidTransition(_UNREACHABLE[target], params)
    if actor not in actors:
        return InvalidTransition(NOT_ALLOWED, params, status=403)
    return _time_refusal(target, actor, *times)


def transition(
    current: Status,
    target: Status,
    *,
    actor: ActorKind,
    now: datetime,
    starts_at: datetime,
    ends_at: datetime,
) -> Status:
    """Return `target` if `actor` may move the interview there now, else `InvalidTransition`.

    Raises:
        InvalidTransition: status 403 when the actor may never do this, 409 otherwise.
    """
    refusal = _refusal(current, target, actor, (now, starts_at, ends_at))
    if refusal is not None:
        raise refusal
    return target


def allowed_targets(
    current: Status, actor: ActorKind, now: datetime, starts_at: datetime, ends_at: datetime
) -> list[Status]:
    """The statuses `actor` could move the interview to now, in declaration order (buttons)."""
    times = (now, starts_at, ends_at)
    return [target for target in Status if _refusal(current, target, actor, times) is None]


def reschedule_status(current: Status) -> Status:
    """The status after a reschedule: a new time needs a new confirmation and check-in."""
    if current in TERMINAL or current == Status.IN_PROGRESS:
        raise InvalidTransition(CANNOT_RESCHEDULE, {"current": current.value})
    return Status.SCHEDULED
