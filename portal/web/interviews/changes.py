"""HR moves an interview to a new time, or cancels it with a reason."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from portal.db.interviews import InterviewDetail, get_detail
from portal.interviews import service
from portal.interviews.errors import InterviewNotFound
from portal.scheduling import (
    Actor,
    ActorKind,
    BookingConflict,
    DomainError,
    validate_cancel,
    validate_reschedule,
)
from portal.web.core.access import require_user
from portal.web.core.forms import booking_policy, error_texts
from portal.web.core.rendering import render, translate
from portal.web.core.state import app_state, current_time
from portal.web.interviews.form_values import conflict_views, raw_values, values_of, zone_choices
from portal.web.interviews.forms import to_detail
from portal.web.interviews.views import labels


async def _detail(request: Request) -> InterviewDetail:
    detail = await get_detail(app_state(request)["db"], request.path_params["interview_id"])
    if detail is None:
        raise InterviewNotFound()
    return detail


def _page(
    request: Request,
    page: str,
    detail: InterviewDetail,
    values: dict[str, str],
    refusal: DomainError | None = None,
) -> Response:
    names = {m.person_id: m.display_name for m in detail.panel}
    context: dict[str, Any] = labels(request) | {
        "i": detail,
        "values": values,
        "errors": {},
        "conflicts": [],
        "checked": False,
        "stale": None,
        "zones": zone_choices(request, values),
    }
    if isinstance(refusal, service.StaleInterview):
        context["stale"] = refusal.current
        values["version"] = str(refusal.current.version)
        context["errors"] = {"form": translate(request, refusal.message, **refusal.params)}
    elif isinstance(refusal, DomainError):
        context["errors"] = error_texts(request, refusal)
    if isinstance(refusal, BookingConflict):
        context["conflicts"] = conflict_views(request, refusal.conflicts, names)
        context["checked"] = True
    status = 200 if refusal is None else 422
    fragment = f"interviews/_{page}_form.html"
    return render(request, f"interviews/{page}.html", context, fragment=fragment, status=status)


async def reschedule_form(request: Request) -> Response:
    detail = await _detail(request)
    return _page(request, "reschedule", detail, values_of(detail) | {"override": ""})


async def reschedule(request: Request) -> Response:
    form, state = await request.form(), app_state(request)
    detail = await _detail(request)
    user = await require_user(request)
    try:
        draft = validate_reschedule(form)
        detail = await service.reschedule(
            state["db"],
            state["broadcaster"],
            detail.id,
            draft,
            actor=Actor.person(user, ActorKind.HR),
            now=current_time(request),
            policy=booking_policy(request),
        )
    except DomainError as exc:
        values = values_of(detail) | raw_values(form) | {"interview_id": str(detail.id)}
        return _page(request, "reschedule", detail, values, exc)
    return to_detail(request, detail)


async def cancel_form(request: Request) -> Response:
    detail = await _detail(request)
    return _page(request, "cancel", detail, values_of(detail))


async def cancel(request: Request) -> Response:
    form, state = await request.form(), app_state(request)
    detail = await _detail(request)
    user = await require_user(request)
    try:
        draft = validate_cancel(form)
        detail = await service.cancel(
            state["db"],
            state["broadcaster"],
            detail.id,
            draft,
            actor=Actor.person(user, ActorKind.HR),
            now=current_time(request),
        )
    except DomainError as exc:
        values = values_of(detail) | {"reason": str(form.get("reason") or "")}
        values["version"] = str(form.get("version") or detail.version)
        return _page(request, "cancel", detail, values, exc)
    return to_detail(request, detail)
