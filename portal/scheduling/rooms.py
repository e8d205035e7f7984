"""Interview rooms, as rules: which room an interview gets, who may enter when, and what the
platform's reports mean for the interview's status. Pure; no I/O."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from portal.scheduling.messages import N_
from portal.scheduling.states import TERMINAL, Status


class RoomKind(StrEnum):
    TECHNICAL = "technical"  # the platform's coding pad, video and question bank
    NON_TECHNICAL = "non_technical"  # the platform's video room
    NONE = "none"  # no platform room: HR's own meeting link, or a place


ROOM_KIND_LABELS: dict[RoomKind, str] = {
    RoomKind.TECHNICAL: N_("Technical room (coding pad)"),
    RoomKind.NON_TECHNICAL: N_("Video room"),
    RoomKind.NONE: N_("No platform room (meeting link or place)"),
}

# The platform's `type_id` for each kind of room.
PLATFORM_TYPES = {RoomKind.TECHNICAL: 1, RoomKind.NON_TECHNICAL: 2}

# The candidate may still enter this long after the scheduled end (interviews run late).
JOIN_GRACE = timedelta(minutes=30)


class RoomEvent(StrEnum):
    """What the platform reports about a room (its webhook events and list statuses)."""

    OPENED = "interview_opened"
    STARTED = "interview_started"
    ENDED = "interview_ended"


# In the order they happen; a later report implies the earlier ones.
_ORDER = (RoomEvent.OPENED, RoomEvent.STARTED, RoomEvent.ENDED)
_TARGETS = {
    RoomEvent.OPENED: Status.CHECKED_IN,
    RoomEvent.STARTED: Status.IN_PROGRESS,
    RoomEvent.ENDED: Status.COMPLETED,
}
_RANK = {
    Status.SCHEDULED: 0,
    Status.CONFIRMED: 0,
    Status.CHECKED_IN: 1,
    Status.IN_PROGRESS: 2,
    Status.COMPLETED: 3,
}


def platform_moves(current: Status, event: RoomEvent) -> list[Status]:
    """The status steps that bring the interview up to what the platform reports.

    Nothing for a closed interview or one already further along; an `interview_ended` that
    arrives without its `interview_started` (a lost webhook) goes through in progress. The
    room opening does not check a candidate in whom an interviewer already started with.
    """
    if current in TERMINAL:
        return []
    reached = _RANK.get(current, 0)
    wanted = _RANK[_TARGETS[event]]
    steps = [_TARGETS[e] for e in _ORDER if reached < _RANK[_TARGETS[e]] <= wanted]
    if event != RoomEvent.OPENED and Status.CHECKED_IN in steps:
        steps.remove(Status.CHECKED_IN)  # started or ended: whoever opened it, not a check-in
    return steps


# Where a room (the portal's row, or the platform's answer) keeps the time of each report.
REPORTED_AT = {
    RoomEvent.OPENED: "opened_at",
    RoomEvent.STARTED: "started_at",
    RoomEvent.ENDED: "ended_at",
}


def furthest(reported: RoomEvent, before: str | None) -> str:
    """The room's status after `reported`: the platform's status only moves forward."""
    order = [event.value for event in _ORDER]
    if before in order and order.index(before) > order.index(reported.value):
        return before
    return reported.value


ROOM_LABELS = {
    "preparing": N_("Room being prepared"),
    "ready": N_("Room ready"),
    "failed": N_("Room could not be prepared"),
    "closed": N_("Room closed"),
}
PLATFORM_STATUS_LABELS = {
    RoomEvent.OPENED.value: N_("Someone is in the room"),
    RoomEvent.STARTED.value: N_("Interview running in the room"),
    RoomEvent.ENDED.value: N_("Interview ended in the room"),
}
