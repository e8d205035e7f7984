"""One interview's page sections, for the page itself and, as they change, for its live stream.

Every section has a stable id. On a change the stream sends the sections of the page the
viewer has open (`?view=hr`: HR's interview page; else the interviewer's own page), each out
of band, so replies, feedback, panel, time, room and history follow without a reload.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from portal.db.history import interview_history
from portal.db.interviews import InterviewDetail, get_detail
from portal.db.people import Person
from portal.interviews import service
from portal.resumes import kit_resume
from portal.scheduling import TERMINAL, ActorKind
from portal.web.core import sse
from portal.web.core.access import current_user
from portal.web.core.state import app_state, current_time
from portal.web.interviews.history import history_lines, reason_text
from portal.web.interviews.replace import replacement_boxes
from portal.web.interviews.views import acts_as, render_fragment, status_view

HR_VIEW = "hr"
HR_SECTIONS: tuple[str, ...] = (
    "mine/_status.html",
    "interviews/_detail_head.html",
    "interviews/_detail_facts.html",
    "interviews/_replies.html",
    "interviews/_replacement.html",
    "interviews/_detail_feedback.html",
    "interviews/_history.html",
)
MINE_SECTIONS: tuple[str, ...] = ("mine/_status.html", "mine/_facts.html")


async def hr_context(request: Request, user: Person, detail: InterviewDetail) -> dict[str, Any]:
    """What HR's interview page shows (without `labels` and the live anchor)."""
    db = app_state(request)["db"]
    _own, feedback = await service.feedback_for(db, detail, person_id=user.id, is_hr=True)
    actor_kind = acts_as(user, detail) or ActorKind.HR
    return {
        "i": detail,
        "status": status_view(request, detail, actor_kind, current_time(request)),
        "feedback": feedback,
        "history": history_lines(request, await interview_history(db, detail.id)),
        "reply_reasons": {m.person_id: reason_text(request, m.rsvp_reason) for m in detail.panel},
        "editable": detail.status not in TERMINAL,
        "resume": await kit_resume(db, detail.candidate_id),
        "replacements": await replacement_boxes(request, detail),
    }


def _mine_context(request: Request, user: Person, detail: InterviewDetail) -> dict[str, Any]:
    now = current_time(request)
    return {
        "i": detail,
        "me": detail.member(user.id),
        "status": status_view(request, detail, ActorKind.INTERVIEWER, now),
    }


async def render_sections(request: Request, interview_id: int) -> str | None:
    """The changed interview's sections for this viewer's page, or None if they may not see it."""
    user = await current_user(request)
    detail = None if user is None else await get_detail(app_state(request)["db"], interview_id)
    if user is None or detail is None:
        return None
    actor_kind = acts_as(user, detail)
    if actor_kind is None:
        return None
    templates: tuple[str, ...]
    if user.is_hr and request.query_params.get("view") == HR_VIEW:
        templates, extra = HR_SECTIONS, await hr_context(request, user, detail)
    elif actor_kind == ActorKind.INTERVIEWER:
        templates, extra = MINE_SECTIONS, _mine_context(request, user, detail)
    else:  # HR on a page without sections of its own: the status panel alone
        now = current_time(request)
        templates, extra = (
            ("mine/_status.html",),
            {"status": status_view(request, detail, actor_kind, now)},
        )
    return "\n".join(sse.out_of_band(render_fragment(request, name, extra)) for name in templates)
