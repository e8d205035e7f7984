"""What interview pages show, computed in Python: labels, the status panel and its buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request

from portal.db.interviews import InterviewDetail
from portal.db.people import Person
from portal.db.rooms import RoomSummary
from portal.i18n import N_
from portal.scheduling import (
    RECOMMENDATION_LABELS,
    STATUS_LABELS,
    TERMINAL,
    ActorKind,
    Status,
    allowed_targets,
)
from portal.scheduling.rooms import PLATFORM_STATUS_LABELS, REPORTED_AT, ROOM_LABELS
from portal.web.core.rendering import base_context, translate

RSVP_LABELS = {
    "pending": N_("No reply yet"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
}
ACTION_LABELS = {
    Status.CONFIRMED: N_("Confirm"),
    Status.CHECKED_IN: N_("Check in"),
    Status.IN_PROGRESS: N_("Start interview"),
    Status.COMPLETED: N_("Finish interview"),
    Status.NO_SHOW: N_("Candidate did not come"),
}
# HR acts for the candidate or the panel: each button says whose step it records.
HR_ACTION_LABELS = {
    Status.CONFIRMED: N_("Mark as confirmed by the candidate"),
    Status.CHECKED_IN: N_("Mark the candidate as arrived"),
    Status.IN_PROGRESS: N_("Mark the interview as started"),
    Status.COMPLETED: N_("Mark the interview as finished"),
    Status.NO_SHOW: N_("Mark the candidate as not come"),
}


def labels(request: Request) -> dict[str, Any]:
    """Translated labels the interview templates look up by value, and the detail link base.

    `interview_path` + "/" + id is an interview's HR page: one `url_for` per page rather than
    one per row (Starlette walks the whole route table for each).
    """
    detail = request.url_for("interviews:detail", interview_id=0).path
    return {
        "interview_path": detail.removesuffix("/0"),
        "status_labels": {s.value: translate(request, label) for s, label in STATUS_LABELS.items()},
        "rsvp_labels": {key: translate(request, label) for key, label in RSVP_LABELS.items()},
        "recommendation_labels": {
            r.value: translate(request, label) for r, label in RECOMMENDATION_LABELS.items()
        },
        "room_labels": {key: translate(request, label) for key, label in ROOM_LABELS.items()}
        | {key: translate(request, label) for key, label in PLATFORM_STATUS_LABELS.items()},
    }


@dataclass(frozen=True)
class Action:
    target: str
    label: str
    url: str
    danger: bool


@dataclass(frozen=True)
class RoomView:
    """The interview's room as this viewer sees it: never a link itself, only the portal's
    join redirect (the link behind it is personal)."""

    state: str  # preparing, ready, failed, closed; "manual" for HR's own meeting link
    label: str
    live: str | None  # what the platform last reported
    live_at: datetime | None  # and when
    rating: int | None
    error: str | None  # HR only: why the room could not be made
    join_url: str | None
    join_label: str
    retry_url: str | None  # HR only, when it failed
    edit_url: str | None  # HR only: fall back to a meeting link


@dataclass(frozen=True)
class StatusView:
    """The status badge, the moves this viewer may make now, and the room."""

    id: int
    status: str
    label: str
    actions: list[Action]
    cancel_reason: str | None
    room: RoomView | None = None


def acts_as(user: Person, detail: InterviewDetail) -> ActorKind | None:
    """How `user` acts on this interview: on the panel as an interviewer, else as HR."""
    if detail.member(user.id) is not None:
        return ActorKind.INTERVIEWER
    return ActorKind.HR if user.is_hr else None


def status_view(
    request: Request, detail: InterviewDetail, actor_kind: ActorKind, now: datetime
) -> StatusView:
    route = "mine:status" if actor_kind == ActorKind.INTERVIEWER else "interviews:status"
    url = request.url_for(route, interview_id=detail.id).path
    targets = allowed_targets(detail.status, actor_kind, now, detail.starts_at, detail.ends_at)
    names = HR_ACTION_LABELS if actor_kind == ActorKind.HR else ACTION_LABELS
    actions = [
        Action(t.value, translate(request, names[t]), url, t == Status.NO_SHOW)
        for t in targets
        if t in names
    ]
    label = translate(request, STATUS_LABELS[detail.status])
    room = room_view(request, detail, actor_kind)
    return StatusView(detail.id, detail.status.value, label, actions, detail.cancel_reason, room)


def room_view(request: Request, detail: InterviewDetail, actor_kind: ActorKind) -> RoomView | None:
    """The room block of the status panel: state, the platform's report, the way in."""
    room = detail.room
    hr = actor_kind == ActorKind.HR
    if detail.status == Status.CANCELLED or (room is None and not detail.room_url):
        return None
    if hr:
        join_url = request.url_for("interviews:observe", interview_id=detail.id).path
        join_label = N_("Watch in the room") if room is not None else N_("Open the meeting link")
    else:
        join_url = request.url_for("mine:join", interview_id=detail.id).path
        join_label = N_("Enter the interview room")
    if room is None or room.state == "closed":
        label = translate(request, join_label)
        return RoomView("manual", "", None, None, None, None, join_url, label, None, None)
    failed = room.state == "failed"
    usable = room.uid is not None or bool(detail.room_url)
    return RoomView(
        state=room.state,
        # Once the interview is over, "room ready" says nothing; a failure still matters.
        label=translate(request, ROOM_LABELS[room.state])
        if failed or detail.status not in TERMINAL
        else "",
        live=_platform_label(request, room.platform_status),
        live_at=_reported_at(room),
        rating=room.rating,
        error=room.last_error if hr and failed else None,
        join_url=join_url if usable else None,
        join_label=translate(request, join_label),
        retry_url=request.url_for("interviews:room_retry", interview_id=detail.id).path
        if hr and failed
        else None,
        edit_url=request.url_for("interviews:edit", interview_id=detail.id).path
        if hr and failed
        else None,
    )


def _platform_label(request: Request, status: str | None) -> str | None:
    if status is None:
        return None
    return translate(request, PLATFORM_STATUS_LABELS.get(status, status))


def _reported_at(room: RoomSummary) -> datetime | None:
    for event, column in REPORTED_AT.items():
        if room.platform_status == event.value:
            at: datetime | None = getattr(room, column)
            return at
    return None


def fragment_context(request: Request, extra: dict[str, Any]) -> dict[str, Any]:
    """The context a fragment rendered outside a response needs (the live stream's rows)."""
    return base_context(request) | {"request": request} | labels(request) | extra


def render_fragment(request: Request, template: str, extra: dict[str, Any]) -> str:
    from portal.web.core.state import app_state

    env = app_state(request)["templates"].env
    return env.get_template(template).render(fragment_context(request, extra))
