"""An interviewer's away times (phone first): the upcoming ones, add one, take one back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.db.people import Person
from portal.db.unavailable import UnavailableBlock, blocks_of
from portal.i18n import N_
from portal.interviews import unavailable
from portal.scheduling import DomainError, local_date, utc_to_local
from portal.scheduling.unavailable import MAX_NOTE, validate_away
from portal.web.core.access import require_user
from portal.web.core.forms import error_texts
from portal.web.core.htmx import HtmxDetails
from portal.web.core.rendering import render, translate, viewer_timezone
from portal.web.core.state import app_state, current_time

FIELDS = ("date", "end_date", "start", "end", "whole_day", "note")
AFTERNOON = ("13:00", "18:00")
FRIDAY = 4
THIS_AFTERNOON = N_("This afternoon")
TOMORROW = N_("Tomorrow")
FRIDAY_AFTERNOON = N_("Friday afternoon")


@dataclass(frozen=True)
class Preset:
    label: str
    url: str


@dataclass(frozen=True)
class AwayView:
    block: UnavailableBlock
    same_day: bool  # the end needs no date of its own


def _views(blocks: list[UnavailableBlock], zone: str) -> list[AwayView]:
    return [
        AwayView(b, local_date(b.starts_at, zone) == local_date(b.ends_at, zone)) for b in blocks
    ]


def _presets(request: Request, now: datetime) -> list[Preset]:
    local = utc_to_local(now, viewer_timezone(request))
    today = local.date()
    friday = today + timedelta(days=(FRIDAY - today.weekday()) % 7)
    if friday == today and local.hour >= 18:
        friday += timedelta(days=7)
    start, end = AFTERNOON
    chosen: list[tuple[str, dict[str, str]]] = []
    if local.hour < 18:
        chosen.append((THIS_AFTERNOON, {"date": today.isoformat(), "start": start, "end": end}))
    tomorrow = (today + timedelta(days=1)).isoformat()
    chosen.append((TOMORROW, {"date": tomorrow, "whole_day": "on"}))
    chosen.append((FRIDAY_AFTERNOON, {"date": friday.isoformat(), "start": start, "end": end}))
    path = request.url_for("mine:away").path
    return [Preset(translate(request, label), f"{path}?{urlencode(q)}") for label, q in chosen]


def _values(source: Any, today: date) -> dict[str, str]:
    values = {name: str(source.get(name) or "").strip() for name in FIELDS}
    values["date"] = values["date"] or today.isoformat()
    return values


async def _context(request: Request, user: Person, values: dict[str, str]) -> dict[str, Any]:
    now = current_time(request)
    blocks = await blocks_of(app_state(request)["db"], user.id, since=now)
    return {
        "blocks": _views(blocks, viewer_timezone(request)),
        "values": values,
        "errors": {},
        "presets": _presets(request, now),
        "max_note": MAX_NOTE,
    }


async def page(request: Request) -> Response:
    user = await require_user(request)
    today = local_date(current_time(request), viewer_timezone(request))
    context = await _context(request, user, _values(request.query_params, today))
    return render(request, "mine/away.html", context)


def _done(request: Request) -> Response | None:
    if HtmxDetails.of(request).request:
        return None
    return RedirectResponse(request.url_for("mine:away").path, 303)


async def add(request: Request) -> Response:
    user, form, now = await require_user(request), await request.form(), current_time(request)
    zone = viewer_timezone(request)
    try:
        draft = validate_away(form, now=now, timezone=zone)
        await unavailable.add(app_state(request)["db"], person=user, draft=draft, now=now)
    except DomainError as exc:
        context = await _context(request, user, _values(form, local_date(now, zone)))
        context["errors"] = error_texts(request, exc)
        return render(request, "mine/away.html", context, fragment="mine/_away.html", status=422)
    done = _done(request)
    if done is not None:
        return done
    context = await _context(request, user, _values({}, local_date(now, zone)))
    return render(request, "mine/away.html", context, fragment="mine/_away.html")


async def remove(request: Request) -> Response:
    user, now = await require_user(request), current_time(request)
    block_id = request.path_params["block_id"]
    await unavailable.remove(app_state(request)["db"], person=user, block_id=block_id, now=now)
    done = _done(request)
    if done is not None:
        return done
    today = local_date(now, viewer_timezone(request))
    context = await _context(request, user, _values({}, today))
    return render(request, "mine/away.html", context, fragment="mine/_away.html")
