"""/admin/notifications: what the outbox holds, and the dead letters HR may retry or discard."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.db.outbox import OutboxRow, dead_letter_count
from portal.notifications.admin import (
    discard_dead_letter,
    outbox_overview,
    retry_dead_letter,
    row_names,
)
from portal.scheduling import ActorKind
from portal.web.core.access import require_actor
from portal.web.core.htmx import HtmxDetails
from portal.web.core.paging import page_number
from portal.web.core.rendering import render
from portal.web.core.state import app_state, current_time
from portal.web.notifications.views import overview_context, read_filter, row_view

PER_PAGE = 50


async def overview(request: Request) -> Response:
    where = read_filter(request)
    found = await outbox_overview(
        app_state(request)["db"],
        where,
        now=current_time(request),
        page=page_number(request),
        per_page=PER_PAGE,
    )
    context = overview_context(request, where, found)
    return render(
        request, "notifications/list.html", context, fragment="notifications/_results.html"
    )


async def _row_response(request: Request, row: OutboxRow) -> Response:
    if HtmxDetails.of(request).request:
        names = await row_names(app_state(request)["db"], row)
        context = {"view": row_view(request, row, names, current_time(request))}
        return render(
            request, "notifications/_row.html", context, fragment="notifications/_row.html"
        )
    return RedirectResponse(request.url_for("notifications:list").path, status_code=303)


async def retry(request: Request) -> Response:
    row = await retry_dead_letter(
        app_state(request)["db"],
        row_id=request.path_params["outbox_id"],
        actor=await require_actor(request, ActorKind.HR),
        now=current_time(request),
    )
    return await _row_response(request, row)


async def discard(request: Request) -> Response:
    row = await discard_dead_letter(
        app_state(request)["db"],
        row_id=request.path_params["outbox_id"],
        actor=await require_actor(request, ActorKind.HR),
        now=current_time(request),
    )
    return await _row_response(request, row)


async def warning(request: Request) -> Response:
    """The board's dead-letter banner, fetched after the board itself (empty when none)."""
    count = await dead_letter_count(app_state(request)["db"])
    return render(request, "notifications/_warning.html", {"dead_letters": count})
