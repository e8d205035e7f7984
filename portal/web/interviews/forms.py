"""HR's interview form (new and edit), the conflict check as it changes, and the pickers.

A refused save re-renders the form with status 422 (htmx swaps 422): field errors, the
conflicts that stopped it, or, when someone else saved first, their values beside ours.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from portal.db.interviewers import interviewer_profiles
from portal.db.interviews import InterviewDetail, get_detail
from portal.errors import BadRequest
from portal.interviews import service
from portal.interviews.errors import InterviewNotFound
from portal.scheduling import ActorKind, BookingConflict, DomainError, validate_interview
from portal.web.core.access import require_actor
from portal.web.core.forms import after_post, booking_policy, error_texts, picked_ids
from portal.web.core.rendering import render, translate
from portal.web.core.state import app_state, current_time
from portal.web.interviews.form_values import (
    choices,
    conflict_views,
    new_values,
    picked_profiles,
    raw_values,
    read_probe,
    values_of,
)
from portal.web.interviews.round_block import (
    block_context,
    panel_warning,
    prefill,
    with_round_defaults,
)
from portal.web.interviews.views import labels


async def render_form(
    request: Request,
    values: dict[str, str],
    ids: list[int],
    *,
    detail: InterviewDetail | None = None,
    refusal: DomainError | None = None,
) -> Response:
    """The interview form, new or edit, with whatever went wrong on the last save."""
    profiles = await picked_profiles(request, ids)
    names = {p.id: p.display_name for p in profiles}
    context: dict[str, Any] = labels(request) | await choices(request, values)
    context |= await block_context(request, values)
    context |= {
        "values": values,
        "picked": profiles,
        "errors": {},
        "conflicts": [],
        "checked": False,
        "stale": None,
        "detail": detail,
        "action": request.url_for("interviews:create").path
        if detail is None
        else request.url_for("interviews:update", interview_id=detail.id).path,
    }
    if isinstance(refusal, service.StaleInterview):
        context["stale"] = refusal.current
        context["errors"] = {"form": translate(request, refusal.message, **refusal.params)}
        values["version"] = str(refusal.current.version)  # saving again is a decision now
    elif isinstance(refusal, DomainError):
        context["errors"] = error_texts(request, refusal)
    if isinstance(refusal, BookingConflict):
        context["conflicts"] = conflict_views(request, refusal.conflicts, names)
        context["checked"] = True
    status = 200 if refusal is None else 422
    return render(
        request, "interviews/form.html", context, fragment="interviews/_form.html", status=status
    )


def to_detail(request: Request, detail: InterviewDetail) -> Response:
    return after_post(request, request.url_for("interviews:detail", interview_id=detail.id).path)


async def new(request: Request) -> Response:
    values = new_values(request)
    await prefill(request, values)
    return await render_form(request, values, [])


async def create(request: Request) -> Response:
    state = app_state(request)
    form = await with_round_defaults(state["db"], await request.form())
    try:
        draft = validate_interview(form)
        detail = await service.create(
            state["db"],
            state["broadcaster"],
            draft,
            actor=await require_actor(request, ActorKind.HR),
            now=current_time(request),
            policy=booking_policy(request),
        )
    except DomainError as exc:
        return await render_form(
            request, raw_values(form), picked_ids(form.getlist("interviewer_ids")), refusal=exc
        )
    return to_detail(request, detail)


async def _detail(request: Request) -> InterviewDetail:
    detail = await get_detail(app_state(request)["db"], request.path_params["interview_id"])
    if detail is None:
        raise InterviewNotFound()
    return detail


async def edit(request: Request) -> Response:
    detail = await _detail(request)
    return await render_form(
        request, values_of(detail), list(detail.interviewer_ids), detail=detail
    )


async def update(request: Request) -> Response:
    state = app_state(request)
    form = await with_round_defaults(state["db"], await request.form())
    detail = await _detail(request)
    try:
        draft = validate_interview(form)
        if draft.version is None:
            raise BadRequest()
        detail = await service.update(
            state["db"],
            state["broadcaster"],
            detail.id,
            draft,
            actor=await require_actor(request, ActorKind.HR),
            now=current_time(request),
            policy=booking_policy(request),
        )
    except DomainError as exc:
        values = raw_values(form)
        return await render_form(
            request, values, picked_ids(form.getlist("interviewer_ids")), detail=detail, refusal=exc
        )
    return to_detail(request, detail)


async def check(request: Request) -> Response:
    """The conflicts of the form as it stands (called as the form changes)."""
    form, state = await request.form(), app_state(request)
    probe = read_probe(form)
    profiles = [
        p for p in await interviewer_profiles(state["db"], probe.interviewer_ids) if p.active
    ]
    conflicts = []
    if probe.slot is not None and (profiles or probe.candidate_id):
        conflicts = await service.find_conflicts(
            state["db"],
            probe.slot,
            interviewers=profiles,
            candidate_id=probe.candidate_id,
            editing=probe.editing,
            now=current_time(request),
            policy=booking_policy(request),
            override=probe.override,
        )
    names = {p.id: p.display_name for p in profiles}
    context = {
        "panel_warning": await panel_warning(request, form, len(probe.interviewer_ids)),
        "conflicts": conflict_views(request, conflicts, names),
        "checked": probe.slot is not None and bool(profiles or probe.candidate_id),
        "slot_errors": [translate(request, m, **params) for m, params in probe.errors],
    }
    return render(request, "interviews/_conflicts.html", context)
