"""Candidates for HR: list and search, create, edit; options for the interview form."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from portal.db.candidates import get_candidate, search_candidates
from portal.errors import NotFound
from portal.records import read_candidate, save_candidate
from portal.scheduling import ValidationFailed
from portal.web.core.forms import after_post, error_texts
from portal.web.core.rendering import render
from portal.web.core.state import app_state, current_time
from portal.web.records import resumes, self_schedule

FIELDS = ("name", "phone", "email", "notes", "resume_url")


async def index(request: Request) -> Response:
    query = request.query_params.get("q", "")[:100]
    found = await search_candidates(app_state(request)["db"], query=query, limit=100)
    context = {"candidates": found, "query": query}
    return render(
        request, "records/candidates.html", context, fragment="records/_candidate_rows.html"
    )


async def options(request: Request) -> Response:
    """`<option>`s for the interview form's candidate picker, as HR types."""
    query = request.query_params.get("candidate_q", "")[:100]
    found = await search_candidates(app_state(request)["db"], query=query, limit=20)
    chosen = request.query_params.get("candidate_id", "")
    return render(
        request,
        "records/_candidate_options.html",
        {"candidates": found, "values": {"candidate_id": chosen}},
    )


def _form(
    request: Request,
    values: dict[str, str],
    candidate_id: int | None,
    status: int = 200,
    errors: dict[str, str] | None = None,
    resume: dict[str, Any] | None = None,
    choosing: dict[str, Any] | None = None,
) -> Response:
    context = {
        "values": values,
        "errors": errors or {},
        "candidate_id": candidate_id,
        "resume": resume,
        "self_schedule": choosing,
    }
    return render(
        request,
        "records/candidate_form.html",
        context,
        fragment="records/_candidate_form.html",
        status=status,
    )


async def new(request: Request) -> Response:
    return _form(request, dict.fromkeys(FIELDS, ""), None)


async def edit(request: Request) -> Response:
    candidate = await get_candidate(app_state(request)["db"], request.path_params["candidate_id"])
    if candidate is None:
        raise NotFound()
    values = {k: str(v or "") for k, v in asdict(candidate).items() if k in FIELDS}
    response = _form(
        request,
        values,
        candidate.id,
        resume=await resumes.section(request, candidate.id),
        choosing=await self_schedule.section(request, candidate.id),
    )
    response.headers["Cache-Control"] = "no-store"  # the invitations' links are on it
    return response


async def save(request: Request) -> Response:
    form = await request.form()
    candidate_id = request.path_params.get("candidate_id")
    try:
        fields = read_candidate(form)
        await save_candidate(
            app_state(request)["db"], candidate_id, fields, now=current_time(request)
        )
    except ValidationFailed as exc:
        values = {name: str(form.get(name) or "") for name in FIELDS}
        resume = None if candidate_id is None else await resumes.section(request, candidate_id)
        return _form(request, values, candidate_id, 422, error_texts(request, exc), resume)
    return after_post(request, request.url_for("records:candidates").path)
