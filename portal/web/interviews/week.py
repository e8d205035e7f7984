"""HR's week: a time grid per day, and a per-interviewer view of who is busy when."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from portal.db.interviews import list_in_range
from portal.db.unavailable import UnavailableBlock, blocks_overlapping
from portal.interviews.week import BusyRow, busy_rows, time_grid, week_days
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


def _away_days(
    rows: list[BusyRow], blocks: list[UnavailableBlock], monday: date, zone: str
) -> dict[int, list[list[UnavailableBlock]]]:
    """Each away person's blocks under every day they touch; adds rows for people who are
    away but not booked."""
    away: dict[int, list[list[UnavailableBlock]]] = {}
    for block in blocks:
        if block.person_id not in away and all(r.person_id != block.person_id for r in rows):
            rows.append(BusyRow(block.person_id, block.person_name, [[] for _ in range(7)]))
        days = away.setdefault(block.person_id, [[] for _ in range(7)])
        first = (local_date(block.starts_at, zone) - monday).days
        last = (local_date(block.ends_at - timedelta(microseconds=1), zone) - monday).days
        for index in range(max(first, 0), min(last, 6) + 1):
            days[index].append(block)
    rows.sort(key=lambda row: row.name)
    return away


async def busy(request: Request) -> Response:
    monday, zone, found = await _week(request)
    rows = busy_rows(found, monday, zone)
    blocks = await blocks_overlapping(app_state(request)["db"], week_range(monday, zone))
    away = _away_days(rows, blocks, monday, zone)
    context = _context(request, monday) | {"people": rows, "away": away}
    return render(request, "interviews/busy.html", context)
