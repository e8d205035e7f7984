"""HR's interview pages: today's board, one interview, status moves; and the live fragments.

Contract with the live stream (`portal/web/live/stream.py`): `render_board_row` returns the
board row (`#interview-<id>`, or a marker that deletes it when the interview has left the board's
day or filters) and the day's counts (`#board-counts`); `render_status_fragment` returns the
status panel (`#interview-status-<id>`) and the other sections of the viewer's page
(`detail.render_sections`). Both return None when the viewer should not get them; the stream
swaps each element by id.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.db.board import list_for_day
from portal.db.interviews import InterviewDetail, count_statuses, get_detail
from portal.db.reschedule_requests import open_reschedule_requests
from portal.db.rsvp_followup import no_reply_ids
from portal.errors import BadRequest
from portal.interviews import service
from portal.interviews.board import BoardFilters, build_board
from portal.interviews.errors import InterviewNotFound
from portal.scheduling import Actor, ActorKind, Status, day_range, local_date
from portal.web.core.access import current_user, require_user
from portal.web.core.htmx import HtmxDetails
from portal.web.core.live_anchors import board_anchor, interview_anchor
from portal.web.core.paging import query_day
from portal.web.core.rendering import render, viewer_timezone
from portal.web.core.sse import out_of_band
from portal.web.core.state import app_state, current_time
from portal.web.interviews.detail import HR_VIEW, hr_context, render_sections
from portal.web.interviews.views import labels, render_fragment, status_view


def board_day(request: Request) -> date:
    """The day asked for (`?day=YYYY-MM-DD`), else (none, or out of range) today in the
    viewer's zone."""
    return query_day(request, "day") or _today(request)


def _today(request: Request) -> date:
    return local_date(current_time(request), viewer_timezone(request))


async def board(request: Request) -> Response:
    day = board_day(request)
    zone = viewer_timezone(request)
    db, shown, now = app_state(request)["db"], day_range(day, zone), current_time(request)
    interviews = await list_for_day(db, day_range=shown, now=now)  # now: the no-reply flag
    filters = BoardFilters.parse(request.query_params)
    context = labels(request) | {
        "board": build_board(interviews, filters),
        "filters": filters,
        "day": day,
        "is_today": day == _today(request),
        "previous_day": (day - timedelta(days=1)).isoformat(),
        "next_day": (day + timedelta(days=1)).isoformat(),
        "statuses": list(Status),
        "reschedule_requests": {entry.id for entry in interviews if entry.reschedule_requested},
        # live status (live_anchors.py): the stream knows the day and filters the page shows
        "live": await board_anchor(request, day=day.isoformat(), **filters.query()),
    }
    return render(request, "interviews/board.html", context, fragment="interviews/_board.html")


async def _detail_for_hr(request: Request) -> InterviewDetail:
    detail = await get_detail(app_state(request)["db"], request.path_params["interview_id"])
    if detail is None:
        raise InterviewNotFound()
    return detail


async def detail_page(request: Request) -> Response:
    user = await require_user(request)
    detail = await _detail_for_hr(request)
    context = labels(request) | await hr_context(request, user, detail)
    context["live"] = await interview_anchor(request, detail.id, view=HR_VIEW)  # live status
    return render(request, "interviews/detail.html", context)


def parse_target(raw: object) -> Status:
    """The status a button asks for; anything else is a bad request."""
    if not isinstance(raw, str) or raw not in Status.__members__.values():
        raise BadRequest()
    return Status(raw)


async def change_status(request: Request) -> Response:
    state = app_state(request)
    user = await require_user(request)
    target = parse_target((await request.form()).get("target"))
    detail = await service.change_status(
        state["db"],
        state["broadcaster"],
        interview_id=request.path_params["interview_id"],
        target=target,
        actor=Actor.person(user, ActorKind.HR),
        now=current_time(request),
    )
    return status_response(request, detail, ActorKind.HR, "interviews:detail")


def status_response(
    request: Request, detail: InterviewDetail, actor_kind: ActorKind, page: str
) -> Response:
    """The refreshed status panel for htmx, else back to the page (post/redirect/get)."""
    if not HtmxDetails.of(request).request:
        return RedirectResponse(request.url_for(page, interview_id=detail.id).path, 303)
    context = labels(request) | {
        "status": status_view(request, detail, actor_kind, current_time(request))
    }
    return render(request, "mine/_status.html", context)


# Deletes the row of an interview the board no longer shows (htmx's out-of-band "delete").
_GONE = '<tr id="interview-{id}" hx-swap-oob="delete" data-live-gone></tr>'


async def render_board_row(request: Request, interview_id: int) -> str | None:
    """The board row and the day's counts for this viewer, or None (not HR).

    An interview that is no longer on the board's day, or no longer passes its filters, gets
    a marker that deletes its row (the page skips it when the row is not there).
    """
    user = await current_user(request)
    if user is None or not user.is_hr:
        return None
    db = app_state(request)["db"]
    detail = await get_detail(db, interview_id)
    # The stream's URL carries the board's `day` and filters, so every board is live.
    shown = day_range(board_day(request), viewer_timezone(request))
    counts = await count_statuses(db, shown)
    extra: dict[str, Any] = {
        "counts": {Status(key): value for key, value in counts.items()},
        "total": sum(counts.values()),
        "statuses": list(Status),
    }
    counted = out_of_band(render_fragment(request, "interviews/_board_counts.html", extra))
    kept = BoardFilters.parse(request.query_params).keeps
    if detail is None or detail.starts_at not in shown or not kept(detail):
        return f"{_GONE.format(id=interview_id)}\n{counted}"
    requests = await open_reschedule_requests(db, [interview_id])
    silent = await no_reply_ids(db, interview_id, now=current_time(request))
    context = {"i": detail, "reschedule_requests": set(requests), "no_reply_ids": silent}
    row = render_fragment(request, "interviews/_board_row.html", context)
    return f"{out_of_band(row)}\n{counted}"


async def render_status_fragment(request: Request, interview_id: int) -> str | None:
    """The status panel and the page's other sections for this viewer, or None."""
    return await render_sections(request, interview_id)
