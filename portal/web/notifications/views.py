"""What the outbox pages show: labels, one row's view, and the overview's context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from starlette.requests import Request

from portal.db.outbox import LISTED_STATUSES, OutboxFilter, OutboxRow, RowNames, listed_status
from portal.i18n import N_
from portal.notifications.admin import Overview
from portal.notifications.kinds import ALL_KINDS, KIND_LABELS
from portal.web.core.rendering import translate
from portal.web.core.state import current_time

STATUS_LABELS = {
    "due": N_("Waiting to send"),
    "scheduled": N_("Scheduled for later"),
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
    status: str  # as listed: "due" and "scheduled" instead of "pending"
    status_label: str
    errcode_label: str
    can_act: bool
    recipient_name: str | None  # None: not in the directory (left, or never synced)
    interview_url: str | None
    candidate_name: str | None


@dataclass(frozen=True)
class StatusLink:
    status: str
    label: str
    count: int
    url: str
    current: bool


def read_filter(request: Request) -> OutboxFilter:
    query = request.query_params
    status = query.get("status") if query.get("status") in LISTED_STATUSES else None
    kind = query.get("kind") if query.get("kind") in ALL_KINDS else None
    recipient = query.get("recipient", "").strip()[:64] or None
    return OutboxFilter(status=status, kind=kind, recipient=recipient)


def _query(where: OutboxFilter, **changes: object) -> str:
    values = {"status": where.status, "kind": where.kind, "recipient": where.recipient, **changes}
    return "?" + urlencode({k: v for k, v in values.items() if v})


def row_view(request: Request, row: OutboxRow, names: RowNames, now: datetime) -> RowView:
    errcode, status = row.last_errcode, listed_status(row, now)
    interview = row.interview_id
    return RowView(
        row=row,
        kind_label=translate(request, KIND_LABELS.get(row.kind, row.kind)),
        status=status,
        status_label=translate(request, STATUS_LABELS[status]),
        errcode_label=translate(request, ERRCODE_LABELS[errcode])
        if errcode in ERRCODE_LABELS
        else "",
        can_act=row.status == "dead",
        recipient_name=names.people.get(row.recipient),
        interview_url=request.url_for("interviews:detail", interview_id=interview).path
        if interview is not None
        else None,
        candidate_name=names.candidates.get(interview) if interview is not None else None,
    )


def overview_context(request: Request, where: OutboxFilter, found: Overview) -> dict[str, object]:
    page, counts, now = found.page, found.counts, current_time(request)
    base = request.url_for("notifications:list").path
    return {
        "where": where,
        "page": page,
        "rows": [row_view(request, row, found.names, now) for row in page.items],
        "dead_count": counts["dead"],
        "statuses": [
            StatusLink(
                s,
                translate(request, STATUS_LABELS[s]),
                counts[s],
                base + _query(OutboxFilter(status=s)),
                where.status == s,
            )
            for s in LISTED_STATUSES
        ],
        "status_choices": [(s, translate(request, STATUS_LABELS[s])) for s in LISTED_STATUSES],
        "kind_choices": sorted(
            ((k, translate(request, KIND_LABELS[k])) for k in ALL_KINDS), key=lambda kv: kv[1]
        ),
        "previous_url": base + _query(where, page=page.page - 1) if page.page > 1 else None,
        "next_url": base + _query(where, page=page.page + 1) if page.page < page.pages else None,
    }
