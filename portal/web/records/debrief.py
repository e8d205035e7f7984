"""The debrief (HR and interviewers who submitted), HR's decision and nudges, the pipeline."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from portal.db.positions import get_position
from portal.debrief import Debrief, debrief, decide, nudge, pipeline
from portal.errors import DomainError, NotFound
from portal.scheduling import STATUS_LABELS, ActorKind, RawForm
from portal.scheduling.actors import Actor
from portal.scheduling.feedback import RECOMMENDATION_LABELS, Recommendation
from portal.scheduling.fields import FormReader
from portal.scheduling.kits import LEVEL_LABELS
from portal.scheduling.pipeline import DECIDED_LABELS, DECISION_LABELS, STAGE_LABELS, Decision
from portal.web.core.access import require_user
from portal.web.core.forms import after_post, error_texts
from portal.web.core.rendering import render
from portal.web.core.state import app_state, current_time

DECISIONS = {d.value: d for d in Decision}


def _ids(request: Request) -> tuple[int, int]:
    return request.path_params["candidate_id"], request.path_params["position_id"]


def _context(found: Debrief, **more: Any) -> dict[str, Any]:
    return {
        "d": found,
        "decision_labels": {d.value: label for d, label in DECISION_LABELS.items()},
        "decided_labels": {d.value: label for d, label in DECIDED_LABELS.items()},
        "stage_label": STAGE_LABELS[found.stage],
        "recommendation_labels": {r.value: RECOMMENDATION_LABELS[r] for r in Recommendation},
        "level_labels": LEVEL_LABELS,
        "status_labels": {s.value: label for s, label in STATUS_LABELS.items()},
        "errors": {},
        "note": "",
    } | more


async def show(request: Request) -> Response:
    candidate_id, position_id = _ids(request)
    viewer = await require_user(request)
    db = app_state(request)["db"]
    found = await debrief(db, candidate_id, position_id, viewer, now=current_time(request))
    return render(request, "records/debrief.html", _context(found, is_hr=viewer.is_hr))


def read_decision(form: RawForm) -> tuple[Decision, str | None]:
    reader = FormReader(form)
    decision = reader.choice("decision", DECISIONS, required=True)
    note = reader.text("note", max_len=2000, multiline=True)
    reader.finish()
    assert decision is not None
    return decision, note


async def save_decision(request: Request) -> Response:
    candidate_id, position_id = _ids(request)
    user = await require_user(request)
    db, now = app_state(request)["db"], current_time(request)
    form = await request.form()
    try:
        decision, note = read_decision(form)
        await decide(
            db,
            candidate_id,
            position_id,
            decision,
            note,
            actor=Actor.person(user, ActorKind.HR),
            now=now,
        )
    except DomainError as exc:
        found = await debrief(db, candidate_id, position_id, user, now=now)
        context = _context(found, is_hr=True, errors=error_texts(request, exc))
        context["note"] = str(form.get("note") or "")
        return render(
            request,
            "records/debrief.html",
            context,
            fragment="records/_decision.html",
            status=422,
        )
    if decision is Decision.ADVANCE:
        url = f"/interviews/new?candidate_id={candidate_id}&position_id={position_id}"
    else:
        url = request.url_for(
            "records:debrief", position_id=position_id, candidate_id=candidate_id
        ).path
    return after_post(request, url)


async def send_nudge(request: Request) -> Response:
    candidate_id, position_id = _ids(request)
    user = await require_user(request)
    db, now = app_state(request)["db"], current_time(request)
    form = await request.form()
    reader = FormReader(form)
    interview_id = reader.integer("interview_id", low=1, high=2**31 - 1)
    person_id = reader.integer("person_id", low=1, high=2**31 - 1)
    try:
        reader.finish()
    except DomainError as exc:
        raise NotFound() from exc
    assert interview_id is not None and person_id is not None
    done = await nudge(
        db,
        interview_id,
        person_id,
        actor=Actor.person(user, ActorKind.HR),
        now=now,
        candidate_id=candidate_id,
        position_id=position_id,
    )
    context = {"done": done, "interview_id": interview_id, "person_id": person_id}
    context |= {"candidate_id": candidate_id, "position_id": position_id}
    return render(request, "records/_nudged.html", context)


async def show_pipeline(request: Request) -> Response:
    position = await get_position(app_state(request)["db"], request.path_params["position_id"])
    if position is None:
        raise NotFound()
    found = await pipeline(app_state(request)["db"], position.id, now=current_time(request))
    return render(request, "records/pipeline.html", {"position": position, "pipeline": found})
