"""HR's load page: interviews per interviewer, the busiest 30%'s share, and a bar chart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from portal.i18n import N_
from portal.load import SORTS, LoadReport, load_report
from portal.web.core.rendering import render, translate, viewer_timezone
from portal.web.core.state import app_state, current_time

COLUMN_LABELS = {
    "name": N_("Interviewer"),
    "week": N_("This week"),
    "month": N_("This month"),
    "recent": N_("Last 90 days"),
    "declines": N_("Declines"),
    "no_shows": N_("No-shows"),
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    url: str
    current: bool


def _columns(request: Request, report: LoadReport) -> list[Column]:
    path = request.url_for("interviews:load").path
    return [
        Column(
            key, translate(request, COLUMN_LABELS[key]), f"{path}?sort={key}", key == report.sort
        )
        for key in SORTS
    ]


def _context(request: Request, report: LoadReport) -> dict[str, Any]:
    return {
        "report": report,
        "columns": _columns(request, report),
        "share_percent": round(report.share * 100),
    }


async def load(request: Request) -> Response:
    report = await load_report(
        app_state(request)["db"],
        now=current_time(request),
        zone=viewer_timezone(request),
        sort=request.query_params.get("sort", ""),
    )
    return render(request, "interviews/load.html", _context(request, report))
