"""The interviewer's pages (phone first): my interviews, one interview, reply, status, feedback.

An interviewer only ever sees interviews they are on; anything else answers 404.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.db.feedback import FeedbackEntry
from portal.db.interviews import InterviewDetail, get_detail, list_for_person
from portal.db.people import Person
from portal.interviews import service
from portal.interviews.errors import InterviewNotFound
from portal.rooms import entrance
from portal.scheduling import (
    TERMINAL,
    Actor,
    ActorKind,
    DomainError,
    UtcRange,
    today_range,
    validate_rsvp,
    validate_scorecard,
)
from portal.scheduling.validation import RsvpResponse
from portal.web.core.access import require_user
from portal.web.core.entry import enter
from portal.web.core.forms import error_texts
from portal.web.core.htmx import HtmxDetails
from portal.web.core.live_anchors import interview_anchor
from portal.web.core.rendering import render, viewer_timezone
from portal.web.core.state import app_state, current_time
from portal.web.interviews.board import parse_target, status_response
from portal.web.interviews.views import labels, status_view

PAST_DAYS, AHEAD_DAYS = 30, 60


async def index(request: Request) -> Response:
    user, now = await require_user(request), current_time(request)
    today = today_range(now, viewer_timezone(request))
    window = UtcRange(today.start - timedelta(days=PAST_DAYS), today.end + timedelta(AHEAD_DAYS))
    found = await list_for_person(app_state(request)["db"], user.id, window)
    cards = [(i, i.member(user.id)) for i in found]
    context = labels(request) | {
        "today": [card for card in cards if card[0].starts_at in today],
        "upcoming": [card for card in cards if card[0].starts_at >= today.end],
        "past": [card for card in reversed(cards) if card[0].starts_at < today.start],
    }
    return render(request, "mine/list.html", context)


async def _mine(request: Request) -> tuple[Person, InterviewDetail]:
    user = await require_user(request)
    detail = await get_detail(app_state(request)["db"], request.path_params["interview_id"])
    if detail is None or detail.member(user.id) is None:
        raise InterviewNotFound()
    return user, detail


def _card_values(entry: FeedbackEntry | None) -> dict[str, str]:
    if entry is None:
        return dict.fromkeys(("rating", "recommendation", "strengths", "concerns", "notes"), "")
    return {
        "rating": str(entry.rating or ""),
        "recommendation": entry.recommendation or "",
        "strengths": entry.strengths or "",
        "concerns": entry.concerns or "",
        "notes": entry.notes or "",
    }


def _still_to_submit(
    detail: InterviewDetail, person_id: int, others: list[FeedbackEntry]
) -> list[str]:
    """The other panel members whose submitted scorecard is not among `others` yet."""
    submitted = {entry.person_id for entry in others if entry.status == "submitted"}
    return [m.name for m in detail.panel if m.person_id not in submitted | {person_id}]


async def _context(request: Request, user: Person, detail: InterviewDetail) -> dict[str, Any]:
    own, others = await service.feedback_for(
        app_state(request)["db"], detail, person_id=user.id, is_hr=user.is_hr
    )
    now = current_time(request)
    return labels(request) | {
        "i": detail,
        "me": detail.member(user.id),
        "closed": detail.status in TERMINAL,
        "status": status_view(request, detail, ActorKind.INTERVIEWER, now),
        "own": own,
        "others": others,
        "other_members": [m for m in detail.panel if m.person_id != user.id],
        "still_to_submit": _still_to_submit(detail, user.id, others),
        "feedback_open": service.feedback_open(detail, now),
        "card": _card_values(own),
        "errors": {},
        "live": await interview_anchor(request, detail.id),  # live status
    }


async def detail_page(request: Request) -> Response:
    user, detail = await _mine(request)
    return render(request, "mine/detail.html", await _context(request, user, detail))


def _back(request: Request, detail: InterviewDetail) -> Response:
    return RedirectResponse(request.url_for("mine:detail", interview_id=detail.id).path, 303)


async def rsvp(request: Request) -> Response:
    user, detail = await _mine(request)
    form, state = await request.form(), app_state(request)
    try:
        answer = validate_rsvp(form)
        detail = await service.respond(
            state["db"],
            state["broadcaster"],
            interview_id=detail.id,
            actor=Actor.person(user, ActorKind.INTERVIEWER),
            accept=answer.response is RsvpResponse.ACCEPTED,
            reason=answer.reason,
            now=current_time(request),
        )
    except DomainError as exc:
        context = await _context(request, user, detail) | {"errors": error_texts(request, exc)}
        return render(request, "mine/detail.html", context, fragment="mine/_rsvp.html", status=422)
    if not HtmxDetails.of(request).request:
        return _back(request, detail)
    return render(request, "mine/_rsvp.html", await _context(request, user, detail))


async def change_status(request: Request) -> Response:
    user, detail = await _mine(request)
    state = app_state(request)
    detail = await service.change_status(
        state["db"],
        state["broadcaster"],
        interview_id=detail.id,
        target=parse_target((await request.form()).get("target")),
        actor=Actor.person(user, ActorKind.INTERVIEWER),
        now=current_time(request),
    )
    return status_response(request, detail, ActorKind.INTERVIEWER, "mine:detail")


async def feedback(request: Request) -> Response:
    user, detail = await _mine(request)
    form, state = await request.form(), app_state(request)
    try:
        card = validate_scorecard(form, submit=form.get("action") == "submit")
        await service.save_feedback(
            state["db"],
            state["broadcaster"],
            interview_id=detail.id,
            person_id=user.id,
            card=card,
            now=current_time(request),
        )
    except DomainError as exc:
        context = await _context(request, user, detail)
        context |= {"errors": error_texts(request, exc), "card": _typed(form)}
        return render(
            request, "mine/detail.html", context, fragment="mine/_feedback.html", status=422
        )
    if not HtmxDetails.of(request).request:
        return _back(request, detail)
    return render(request, "mine/_feedback.html", await _context(request, user, detail))


def _typed(form: Any) -> dict[str, str]:
    names = ("rating", "recommendation", "strengths", "concerns", "notes")
    return {name: str(form.get(name) or "") for name in names}


async def join(request: Request) -> Response:
    """One tap from WeCom into one's own seat: the personal link, for panel members only."""
    db = app_state(request)["db"]
    user = await require_user(request)
    detail = await get_detail(db, request.path_params["interview_id"])
    if detail is None:
        raise InterviewNotFound()
    way = await entrance.for_interviewer(db, detail, user.id)
    # Someone off the panel goes back to their own list, not to this interview's page.
    if way.status == 403:
        back = request.url_for("mine:list").path
    else:
        back = request.url_for("mine:detail", interview_id=detail.id).path
    return enter(request, way, back=back)
