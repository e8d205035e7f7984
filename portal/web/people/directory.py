"""Admin pages: the people directory (search, role, active), contact sync, the audit log."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.db.audit import list_entries
from portal.db.people import Person, search_people
from portal.directory.errors import from_wecom
from portal.directory.service import ROLE_CHOICES, change_active, change_role
from portal.directory.sync import sync_contacts
from portal.errors import BadRequest
from portal.i18n import N_
from portal.scheduling import Actor, ActorKind
from portal.web.core.access import require_actor, require_user
from portal.web.core.htmx import HtmxDetails
from portal.web.core.navigation import ROLE_LABELS
from portal.web.core.paging import page_number
from portal.web.core.rendering import render, translate
from portal.web.core.state import app_state, current_time
from portal.wecom import WeComError

PER_PAGE = 25
ROLE_CHOICE_LABELS = {
    "auto": N_("Automatic (departments and tags)"),
    "hr": N_("HR coordinator"),
    "interviewer": N_("Interviewer"),
}


def _people_context(request: Request, page: object, query: str) -> dict[str, object]:
    return {
        "results": page,
        "query": query,
        "oob_results": False,
        "role_labels": {key: translate(request, label) for key, label in ROLE_LABELS.items()},
        "role_choices": [
            (choice, translate(request, ROLE_CHOICE_LABELS[choice])) for choice in ROLE_CHOICES
        ],
    }


async def people(request: Request) -> Response:
    query = request.query_params.get("q", "")[:100]
    page = await search_people(
        app_state(request)["db"], query=query, page=page_number(request), per_page=PER_PAGE
    )
    return render(
        request,
        "people/list.html",
        _people_context(request, page, query),
        fragment="people/_results.html",
    )


async def _person_row(request: Request, person: Person) -> Response:
    context = _people_context(request, None, "") | {"person": person}
    return render(request, "people/list.html", context, fragment="people/_row.html")


async def set_role(request: Request) -> Response:
    form = await request.form()
    state = app_state(request)
    person = await change_role(
        state["db"],
        state["wecom"],
        state["role_sources"],
        person_id=request.path_params["person_id"],
        choice=str(form.get("role", "")),
        actor=await require_actor(request, ActorKind.HR),
        now=current_time(request),
    )
    if HtmxDetails.of(request).request:
        return await _person_row(request, person)
    return RedirectResponse(request.url_for("people:list").path, status_code=303)


async def set_active(request: Request) -> Response:
    form = await request.form()
    value = str(form.get("active", ""))
    if value not in {"0", "1"}:
        raise BadRequest()
    person = await change_active(
        app_state(request)["db"],
        person_id=request.path_params["person_id"],
        active=value == "1",
        actor=await require_actor(request, ActorKind.HR),
        now=current_time(request),
    )
    if HtmxDetails.of(request).request:
        return await _person_row(request, person)
    return RedirectResponse(request.url_for("people:list").path, status_code=303)


async def run_sync(request: Request) -> Response:
    state = app_state(request)
    admin = await require_user(request)
    try:
        report = await sync_contacts(
            state["db"],
            state["wecom"],
            state["role_sources"],
            now=current_time(request),
            actor=Actor.person(admin, ActorKind.HR),
        )
    except WeComError as exc:
        raise from_wecom(exc) from exc
    page = await search_people(state["db"], page=1, per_page=PER_PAGE)
    context = _people_context(request, page, "") | {
        "report": report,
        "oob_results": HtmxDetails.of(request).request,  # refresh the table beside the report
    }
    return render(request, "people/list.html", context, fragment="people/_sync_report.html")


async def audit(request: Request) -> Response:
    action = request.query_params.get("action") or None
    page = await list_entries(
        app_state(request)["db"], page=page_number(request), per_page=50, action=action
    )
    return render(
        request,
        "people/audit.html",
        {"entries": page, "action": action or ""},
        fragment="people/_audit_results.html",
    )
