"""HR and the interview's room: look in as an observer, or try again when it could not be made."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.db.interviews import get_detail
from portal.interviews.errors import InterviewNotFound
from portal.rooms import entrance
from portal.rooms.provision import retry_failed
from portal.scheduling import Actor, ActorKind
from portal.web.core.access import require_user
from portal.web.core.entry import enter
from portal.web.core.htmx import HtmxDetails
from portal.web.core.state import app_state, current_time
from portal.web.interviews.board import status_response


async def observe(request: Request) -> Response:
    """The platform's shared link, for HR watching the interview."""
    db = app_state(request)["db"]
    detail = await get_detail(db, request.path_params["interview_id"])
    if detail is None:
        raise InterviewNotFound()
    way = await entrance.for_observer(db, detail)
    back = request.url_for("interviews:detail", interview_id=detail.id).path
    return enter(request, way, back=back)


async def retry(request: Request) -> Response:
    state = app_state(request)
    user = await require_user(request)
    interview_id = request.path_params["interview_id"]
    await retry_failed(
        state["db"],
        state["broadcaster"],
        interview_id,
        actor=Actor.person(user, ActorKind.HR),
        now=current_time(request),
    )
    detail = await get_detail(state["db"], interview_id)
    if detail is None:
        raise InterviewNotFound()
    if not HtmxDetails.of(request).request:
        return RedirectResponse(
            request.url_for("interviews:detail", interview_id=detail.id).path, 303
        )
    return status_response(request, detail, ActorKind.HR, "interviews:detail")
