"""/admin/notifications: what the outbox holds, and the dead letters HR may retry or discard."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.db.outbox import (
    STATUSES,
    OutboxFilter,
    OutboxRow,
    dead_letter_count,
    list_rows,
    status_counts,
)
from portal.db.people import Person
from portal.i18n import N_
from portal.notifications.admin import discard_dead_letter, retry_dead_letter
from portal.notifications.kinds import ALL_KINDS, KIND_LABELS
from portal.web.access import Access, current_user
from portal.web.htmx import HtmxDetails
from portal.web.paging import page_number
from portal.web.rendering import render, translate
from portal.web.routing import route
from portal.web.state import app_state, current_time

PER_PAGE = 50
STATUS_LABELS = {
    "pending": N_("Waiting"),
    "sending": N_("Sending"),
    "sent": N_("Sent"),
    "dead": N_("Dead letter"),
    "cancelled": N_("Cancelled"),
}
ERRCODE_LABELS = {
    -1: N_("WeCom was busy"),
    45009: N_("WeCom rate limit"),
    45033: N_("WeCom concurrency limit"),
    48002: N_("The app lacks this API permission"),
    60011: N_("Outside the app's visible range"),
    60020: N_("Server IP not in the trusted list"),
    60111: N_("Unknown member"),
    46004: N_("Unknown member"),
    81013: N_("No valid recipient"),
    82001: N_("No valid recipient"),
    301002: N_("Wrong app secret for this app"),
}


@dataclass(frozen=True)
class RowView:
    row: OutboxRow
    kind_label: str
    status_label: str
    errcode_label: str
    can_act: bool


@dataclass(frozen=True)
class StatusLink:
    status: str
    label: str
    count: int
    url: str
    current: bool


def _filter(request: Request) -> OutboxFilter:
    query = request.query_params
    status = query.get("status") if query.get("status") in STATUSES else None
    kind = query.get("kind") if query.get("kind") in ALL_KINDS else None
    recipient = query.get("recipient", "").strip()[:64] or None
    return OutboxFilter(status=status, kind=kind, recipient=recipient)


def _query(where: OutboxFilter, **changes: object) -> str:
    values = {"status": where.status, "kind": where.kind, "recipient": where.recipient, **changes}
    return "?" + urlencode({k: v for k, v in values.items() if v})


def _view(request: Request, row: OutboxRow) -> RowView:
    errcode = row.last_errcode
    return RowView(
        row=row,
        kind_label=translate(request, KIND_LABELS.get(row.kind, row.kind)),
        status_label=translate(request, STATUS_LABELS[row.status]),
        errcode_label=translate(request, ERRCODE_LABELS[errcode])
        if errcode in ERRCODE_LABELS
        else "",
        can_act=row.status == "dead",
    )


async def _person(request: Request) -> Person:
    user = await current_user(request)
    assert user is not None  # the route's Access.HR guarantees it
    return user


async def overview(request: Request) -> Response:
    where = _filter(request)
    db = app_state(request)["db"]
    counts = await status_counts(db)
    found = await list_rows(db, where, page=page_number(request), per_page=PER_PAGE)
    base = request.url_for("notifications:list").path
    context = {
        "where": where,
        "page": found,
        "rows": [_view(request, row) for row in found.items],
        "dead_count": counts["dead"],
        "statuses": [
            StatusLink(
                s,
                translate(request, STATUS_LABELS[s]),
                counts[s],
                base + _query(OutboxFilter(status=s)),
                where.status == s,
            )
            for s in STATUSES
        ],
        "status_choices": [(s, translate(request, STATUS_LABELS[s])) for s in STATUSES],
        "kind_choices": sorted(
            ((k, translate(request, KIND_LABELS[k])) for k in ALL_KINDS), key=lambda kv: kv[1]
        ),
        "previous_url": base + _query(where, page=found.page - 1) if found.page > 1 else None,
        "next_url": base + _query(where, page=found.page + 1) if found.page < found.pages else None,
    }
    return render(
        request, "notifications/list.html", context, fragment="notifications/_results.html"
    )


async def _row_response(request: Request, row: OutboxRow) -> Response:
    if HtmxDetails.of(request).request:
        context = {"view": _view(request, row)}
        return render(
            request, "notifications/_row.html", context, fragment="notifications/_row.html"
        )
    return RedirectResponse(request.url_for("notifications:list").path, status_code=303)


async def retry(request: Request) -> Response:
    row = await retry_dead_letter(
        app_state(request)["db"],
        row_id=request.path_params["outbox_id"],
        actor=await _person(request),
        now=current_time(request),
    )
    return await _row_response(request, row)


async def discard(request: Request) -> Response:
    row = await discard_dead_letter(
        app_state(request)["db"],
        row_id=request.path_params["outbox_id"],
        actor=await _person(request),
        now=current_time(request),
    )
    return await _row_response(request, row)


async def warning(request: Request) -> Response:
    """The board's dead-letter banner, fetched after the board itself (empty when none)."""
    count = await dead_letter_count(app_state(request)["db"])
    return render(request, "notifications/_warning.html", {"dead_letters": count})


routes = [
    route("/admin/notifications", overview, name="notifications:list", access=Access.HR),
    route(
        "/admin/notifications/warning",
        warning,
        name="notifications:warning",
        access=Access.HR,
    ),
    route(
        "/admin/notifications/{outbox_id:int}/retry",
        retry,
        name="notifications:retry",
        access=Access.HR,
        methods=["POST"],
    ),
    route(
        "/admin/notifications/{outbox_id:int}/discard",
        discard,
        name="notifications:discard",
        access=Access.HR,
        methods=["POST"],
    ),
]
