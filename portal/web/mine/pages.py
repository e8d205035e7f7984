"""The interviewer's pages (phone first): my interviews, one interview, reply, status, feedback.

An interviewer only ever sees interviews they are on; anything else answers 404.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.db.feedback import FeedbackEntry, RoundFeedback, list_pipeline_feedback
from portal.db.interviews import InterviewDetail, get_detail, list_for_person
from portal.db.people import Person
from portal.interviews import service
from portal.interviews.errors import InterviewNotFound
from portal.interviews.scorecards import kit_areas, plan_round_of, save_field, save_structured
from portal.resumes import kit_resume
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
from portal.scheduling.kits import LEVEL_LABELS, LEVELS, FocusArea
from portal.scheduling.scorecards import read_field, scores_from_json, validate_structured
from portal.scheduling.validation import RsvpResponse
from portal.web.core.access import require_user
from portal.web.core.entry import enter
from portal.web.core.forms import booking_policy, error_texts
from portal.web.core.htmx import HtmxDetails
from portal.web.core.live_anchors import interview_anchor
from portal.web.core.rendering import render, translate, viewer_timezone
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


def _earlier(
    found: list[RoundFeedback], detail: InterviewDetail, own: FeedbackEntry | None
) -> list[RoundFeedback] | None:
    """Earlier rounds' submitted cards; None until the viewer's own card is in (independence)."""
    if own is None or own.status != "submitted":
        return None
    return [
        f
        for f in found
        if f.round < detail.round and f.interview_id != detail.id and f.entry.status == "submitted"
    ]


def _area_values(areas: tuple[FocusArea, ...], own: FeedbackEntry | None) -> dict[str, str]:
    """What the structured form shows: the stored draft by field name."""
    scores = scores_from_json(own.scores if own else None)
    values = {"recommendation": (own.recommendation or "") if own else "", "notes": ""}
    values["notes"] = (own.notes or "") if own else ""
    for area in areas:
        score = scores.get(area.key)
        values[f"rating:{area.key}"] = str(score.rating or "") if score else ""
        values[f"notes:{area.key}"] = (score.notes or "") if score else ""
    return values


async def _paper_title(request: Request, uid: str | None) -> str | None:
    """The question-bank paper's title (cached by the shelf), or None to show its id."""
    shelf = app_state(request)["papers"]
    if uid is None or shelf is None:
        return None
    papers = await shelf.papers()
    return next((p.title for p in papers or [] if p.uid == uid), None)


async def _kit(
    request: Request, detail: InterviewDetail, own: FeedbackEntry | None
) -> dict[str, Any]:
    db = app_state(request)["db"]
    plan_round = await plan_round_of(db, detail)
    areas = plan_round.focus_areas if plan_round is not None else ()
    pipeline = await list_pipeline_feedback(db, detail.candidate_id, detail.position_id)
    paper_uid = detail.room_paper_uid or (plan_round.room_paper_uid if plan_round else None)
    return {
        "plan_round": plan_round,
        "kit_areas": areas,
        "structured": bool(areas),
        "paper_uid": paper_uid,
        "paper_title": await _paper_title(request, paper_uid),
        # A first round has nothing before it: the section would only say so.
        "has_earlier_rounds": any(
            f.round < detail.round and f.interview_id != detail.id for f in pipeline
        )
        or detail.round > 1,
        "resume": await kit_resume(db, detail.candidate_id),
        "earlier": _earlier(pipeline, detail, own),
        "level_labels": {n: translate(request, LEVEL_LABELS[n]) for n in LEVELS},
        "values": _area_values(areas, own),
    }


async def _context(request: Request, user: Person, detail: InterviewDetail) -> dict[str, Any]:
    own, others = await service.feedback_for(
        app_state(request)["db"], detail, person_id=user.id, is_hr=user.is_hr
    )
    now = current_time(request)
    return (
        labels(request)
        | await _kit(request, detail, own)
        | {
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
    )


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
            policy=booking_policy(request),
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


async def scorecard_page(request: Request) -> Response:
    user, detail = await _mine(request)
    return render(request, "mine/scorecard.html", await _context(request, user, detail))


async def feedback_field(request: Request) -> Response:
    """One autosaved field into the draft; answers the field's small "Saved" status."""
    user, detail = await _mine(request)
    form, db = await request.form(), app_state(request)["db"]
    try:
        change = read_field(form, await kit_areas(db, detail))
        saved = await save_field(
            db, interview_id=detail.id, person_id=user.id, change=change, now=current_time(request)
        )
    except DomainError as exc:
        errors = error_texts(request, exc)
        message = next(iter(errors.values()), translate(request, exc.message))
        return render(request, "mine/_field_state.html", {"error": message}, status=exc.status)
    return render(request, "mine/_field_state.html", {"error": None, "saved_at": saved.updated_at})


async def _structured(
    request: Request, user: Person, detail: InterviewDetail, areas: tuple[FocusArea, ...]
) -> Response:
    form, state = await request.form(), app_state(request)
    try:
        card = validate_structured(form, areas, submit=form.get("action") == "submit")
        await save_structured(
            state["db"],
            state["broadcaster"],
            interview_id=detail.id,
            person_id=user.id,
            card=card,
            now=current_time(request),
        )
    except DomainError as exc:
        context = await _context(request, user, detail)
        typed = {name: str(value) for name, value in form.items() if isinstance(value, str)}
        context |= {"errors": error_texts(request, exc), "values": context["values"] | typed}
        return render(
            request,
            "mine/scorecard.html",
            context,
            fragment="mine/_scorecard.html",
            status=exc.status,
        )
    if not HtmxDetails.of(request).request:
        return RedirectResponse(request.url_for("mine:scorecard", interview_id=detail.id).path, 303)
    return render(request, "mine/_scorecard.html", await _context(request, user, detail))


async def feedback(request: Request) -> Response:
    user, detail = await _mine(request)
    areas = await kit_areas(app_state(request)["db"], detail)
    if areas is not None:
        return await _structured(request, user, detail, areas)
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
