"""HR's replacement box on an interview page: who declined, who could take the seat."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from portal.db.interviews import InterviewDetail, get_detail
from portal.errors import DomainError, NotFound
from portal.interviews.replacements import Suggestion, best_replacement
from portal.interviews.replacements import replace as replace_one
from portal.scheduling import Actor, ActorKind, ValidationFailed
from portal.scheduling.fields import FormReader
from portal.web.core.access import require_user
from portal.web.core.forms import after_post, booking_policy
from portal.web.core.rendering import render, translate
from portal.web.core.state import app_state, current_time
from portal.web.interviews.views import labels


@dataclass(frozen=True)
class ReplacementBox:
    person_id: int
    name: str  # who declined
    suggestion: Suggestion | None


async def replacement_boxes(request: Request, detail: InterviewDetail) -> list[ReplacementBox]:
    """One box per decliner still on the panel of an interview booked as a plan round."""
    declined = [m for m in detail.panel if m.rsvp == "declined"]
    if not declined or detail.plan_round_id is None:
        return []
    db, now = app_state(request)["db"], current_time(request)
    best = await best_replacement(db, detail, now, policy=booking_policy(request))
    return [ReplacementBox(m.person_id, m.display_name, best) for m in declined]


async def replace(request: Request) -> Response:
    state = app_state(request)
    user = await require_user(request)
    interview_id = request.path_params["interview_id"]
    reader = FormReader(await request.form())
    declined = reader.integer("person_id", low=1, high=2**31 - 1)
    replacement = reader.integer("replacement_id", low=1, high=2**31 - 1)
    try:
        reader.finish()
        assert declined is not None and replacement is not None
        detail = await replace_one(
            state["db"],
            state["broadcaster"],
            interview_id,
            declined,
            replacement,
            actor=Actor.person(user, ActorKind.HR),
            now=current_time(request),
            policy=booking_policy(request),
        )
    except (DomainError, ValidationFailed) as exc:
        return await _refused(request, interview_id, exc)
    return after_post(request, request.url_for("interviews:detail", interview_id=detail.id).path)


async def _refused(request: Request, interview_id: int, exc: DomainError) -> Response:
    detail = await get_detail(app_state(request)["db"], interview_id)
    if detail is None:
        raise NotFound()
    context: dict[str, Any] = labels(request) | {
        "i": detail,
        "replacements": await replacement_boxes(request, detail),
        "replace_error": translate(request, exc.message, **exc.params),
    }
    return render(request, "interviews/_replacement.html", context, status=exc.status)
