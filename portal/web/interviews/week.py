"""HR's week: a time grid per day, and a per-interviewer view of who is busy when."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from portal.db.interviews import list_in_range
from portal.interviews.week import busy_rows, time_grid, week_days
from portal.scheduling import local_date, week_range, week_start
from portal.web.core.paging import query_day
from portal.web.core.rendering import render, viewer_timezone
from portal.web.core.state import app_state, current_time
from portal.web.interviews.views import labels


def _monday(request: Request) -> date:
    day = query_day(request, "start")
    return week_start(day or local_date(current_time(request), viewer_timezone(request)))


async def _week(request: Request) -> tuple[date, str, Any]:
    monday, zone = _monday(request), viewer_timezone(request)
    found = await list_in_range(app_state(request)["db"], window=week_range(monday, zone))
    return monday, zone, found


def _context(request: Request, monday: date) -> dict[str, Any]:
    return labels(request) | {
        "days": week_days(monday),
        "previous_week": (monday - timedelta(days=7)).isoformat(),
        "next_week": (monday + timedelta(days=7)).isoformat(),
        "monday": monday,
    }


async def week(request: Request) -> Response:
    monday, zone, found = await _week(request)
    context = _context(request, monday) | {"rows": time_grid(found, monday, zone)}
    return render(request, "interviews/week.html", context)


async def busy(request: Request) -> Response:
    monday, zone, found = await _week(request)
    context = _context(request, monday) | {"people": busy_rows(found, monday, zone)}
    return render(request, "interviews/busy.html", context)
