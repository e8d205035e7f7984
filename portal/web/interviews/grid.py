"""HR's availability grid (`GET /availability`) and booking from one of its slots.

The grid form is a GET (htmx swaps the area and pushes the URL; without JS it reloads the
page). A Book button posts the slot's start (UTC), duration and suggested panel; the booking
goes through `service.create` like the booking form's, so a slot taken meanwhile is refused
there and the grid is shown again, fresh, with the reason (409).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from babel.dates import format_skeleton
from starlette.datastructures import FormData, ImmutableMultiDict, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from portal.db.candidates import search_candidates
from portal.db.interviewers import interviewer_profiles
from portal.db.plans import list_rounds
from portal.db.positions import list_positions
from portal.i18n import N_
from portal.interviews import round_offer, service
from portal.interviews.grid import AvailabilityGrid, availability_grid
from portal.scheduling import (
    MAX_DURATION,
    MIN_DURATION,
    ActorKind,
    BookingConflict,
    DomainError,
    ValidationFailed,
    local_date,
    utc_to_local,
    validate_interview,
    week_start,
)
from portal.scheduling.availability import Reason, SlotOption
from portal.scheduling.fields import parse_day, parse_id
from portal.web.core.access import require_actor
from portal.web.core.forms import after_post, booking_policy, error_texts, picked_ids
from portal.web.core.rendering import language_of, render, translate, viewer_timezone
from portal.web.core.state import app_state, current_time

TAKEN = N_("Someone took this time a moment ago; here are the free times now.")
BAD_START = N_("Choose a time from the grid.")
LEAST_LOADED = N_("least loaded")
REASON_LABELS = {
    Reason.EVERYONE_FREE: N_("everyone free"),
    Reason.PREFERRED_HOURS: N_("in preferred hours"),
}
_MINUTE = timedelta(minutes=1)
DEFAULT_MINUTES = 60


@dataclass(frozen=True)
class CellView:
    css: str  # bookable, partial, none
    names: str
    initials: str


@dataclass(frozen=True)
class RowView:
    label: str
    cells: tuple[CellView | None, ...]
    starts: tuple[str, ...]  # ISO UTC per day ("" when there is no start)
    panels: tuple[str, ...]  # the suggested panel per day: ids separated by spaces


@dataclass(frozen=True)
class BestView:
    label: str
    names: str
    reasons: str
    starts_at: str
    panel: tuple[int, ...]


def _number(raw: str, low: int, high: int) -> int | None:
    return int(raw) if raw.isdigit() and low <= int(raw) <= high else None


def _values(request: Request, source: ImmutableMultiDict[str, Any] | FormData) -> dict[str, Any]:
    """The grid form's choices; anything unreadable falls back to its default."""
    zone = viewer_timezone(request)
    today = local_date(current_time(request), zone)
    low, high = MIN_DURATION // _MINUTE, MAX_DURATION // _MINUTE
    start = parse_day(str(source.get("start") or "")) or today
    return {
        "position_id": parse_id(str(source.get("position_id") or "")),
        "plan_round_id": parse_id(str(source.get("plan_round_id") or "")),
        "shown_round": parse_id(str(source.get("shown_round") or "")),
        "candidate_id": parse_id(str(source.get("candidate_id") or "")),
        "interviewer_ids": picked_ids(source.getlist("interviewer_ids")),
        "panel_size": _number(str(source.get("panel_size") or ""), 1, 5),
        "duration": _number(str(source.get("duration") or ""), low, high),
        "monday": week_start(start),
    }


def _slot_label(request: Request, moment: datetime) -> str:
    local = utc_to_local(moment, viewer_timezone(request))
    locale = language_of(request).babel_locale
    return f"{format_skeleton('MMMEd', local.date(), locale=locale)} {local:%H:%M}"


def _initials(name: str) -> str:
    return "".join(part[0] for part in name.split() if part)[:3] or name[:2]


def _best(request: Request, grid: AvailabilityGrid, option: SlotOption) -> BestView:
    reasons = [translate(request, REASON_LABELS[r]) for r in option.reasons]
    if option is grid.best[0] and len(grid.people) > grid.panel_size:
        reasons.append(translate(request, LEAST_LOADED))
    return BestView(
        _slot_label(request, option.slot.starts_at),
        ", ".join(grid.name(p) for p in option.panel),
        ", ".join(reasons),
        option.slot.starts_at.isoformat(),
        option.panel,
    )


def _rows(grid: AvailabilityGrid) -> list[RowView]:
    best_panel = {o.slot.starts_at: o.panel for o in grid.best}
    rows = []
    for row in grid.rows:
        cells: list[CellView | None] = []
        starts, panels = [], []
        for cell in row.cells:
            if cell is None:
                cells.append(None)
                starts.append("")
                panels.append("")
                continue
            names = [grid.name(p) for p in cell.free]
            css = "bookable" if cell.bookable else ("partial" if cell.free else "none")
            cells.append(CellView(css, ", ".join(names), " ".join(_initials(n) for n in names)))
            starts.append(cell.slot.starts_at.isoformat())
            panel = best_panel.get(cell.slot.starts_at) or cell.free[: grid.panel_size]
            panels.append(" ".join(str(p) for p in panel))
        rows.append(RowView(row.at.strftime("%H:%M"), tuple(cells), tuple(starts), tuple(panels)))
    return rows


async def _context(request: Request, values: dict[str, Any]) -> dict[str, Any]:
    db = app_state(request)["db"]
    positions = await list_positions(db, active_only=True)
    position_id = values["position_id"]
    if position_id not in {p.id for p in positions}:
        position_id = values["position_id"] = None
    rounds = [] if position_id is None else await list_rounds(db, position_id)
    plan_round = next((r for r in rounds if r.id == values["plan_round_id"]), None)
    values["plan_round_id"] = None if plan_round is None else plan_round.id
    if plan_round is not None and values["shown_round"] != plan_round.id:
        # The round was just chosen: its duration and panel size replace the form's.
        values["duration"], values["panel_size"] = None, None
    minutes = values["duration"] or (plan_round.duration_minutes if plan_round else DEFAULT_MINUTES)
    size = values["panel_size"] or (plan_round.panel_size if plan_round else 1)
    values |= {"duration": minutes, "panel_size": size}
    monday: date = values["monday"]
    grid = None
    if position_id is not None and (plan_round is not None or values["interviewer_ids"]):
        grid = await availability_grid(
            db,
            position_id=position_id,
            plan_round_id=values["plan_round_id"],
            person_ids=values["interviewer_ids"],
            panel_size=size,
            duration=minutes * _MINUTE,
            week_start=monday,
            zone=viewer_timezone(request),
            now=current_time(request),
            policy=booking_policy(request),
        )
    return {
        "values": values,
        "positions": positions,
        "rounds": rounds,
        "candidates": await search_candidates(db, limit=50),
        "picked": await interviewer_profiles(db, values["interviewer_ids"]),
        "grid": grid,
        "rows": [] if grid is None else _rows(grid),
        "best": [] if grid is None else [_best(request, grid, o) for o in grid.best],
        "days": [monday + timedelta(days=n) for n in range(7)],
        "previous_week": (monday - timedelta(days=7)).isoformat(),
        "next_week": (monday + timedelta(days=7)).isoformat(),
        "message": None,
    }


def _page(request: Request, context: dict[str, Any], status: int = 200) -> Response:
    return render(
        request, "interviews/grid.html", context, fragment="interviews/_grid.html", status=status
    )


async def grid(request: Request) -> Response:
    return _page(request, await _context(request, _values(request, request.query_params)))


def _starts_at(form: FormData) -> datetime:
    try:
        moment = datetime.fromisoformat(str(form.get("starts_at") or ""))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValidationFailed({"starts_at": BAD_START}, {})
    return moment.astimezone(UTC)


async def _booking_form(request: Request, form: FormData) -> FormData:
    """The booking form's fields for the slot, in the viewer's zone, with the round's defaults."""
    starts_at = _starts_at(form)
    zone = viewer_timezone(request)
    local = utc_to_local(starts_at, zone)
    position_id = parse_id(str(form.get("position_id") or ""))
    plan_round_id = parse_id(str(form.get("plan_round_id") or ""))
    candidate_id = parse_id(str(form.get("candidate_id") or ""))
    fields: list[tuple[str, str | UploadFile]] = [
        (name, str(form.get(name) or ""))
        for name in ("candidate_id", "position_id", "plan_round_id", "duration")
    ]
    fields += [("date", local.date().isoformat()), ("time", local.strftime("%H:%M"))]
    fields += [("timezone", zone), ("round", "1")]
    if position_id is not None:
        offer = await round_offer.chosen(
            app_state(request)["db"], candidate_id, position_id, plan_round_id
        )
        fields[-1] = ("round", str(offer.number))
        if offer.plan_round is not None:
            fields.append(("room_kind", offer.plan_round.room_kind))
            fields.append(("room_paper_uid", offer.plan_round.room_paper_uid or ""))
    fields += [("interviewer_ids", str(i)) for i in picked_ids(form.getlist("interviewer_ids"))]
    return FormData(fields)


async def book(request: Request) -> Response:
    state, form = app_state(request), await request.form()
    try:
        draft = validate_interview(await _booking_form(request, form))
        detail = await service.create(
            state["db"],
            state["broadcaster"],
            draft,
            actor=await require_actor(request, ActorKind.HR),
            now=current_time(request),
            policy=booking_policy(request),
        )
    except DomainError as exc:
        context = await _context(request, _values(request, form))
        taken = isinstance(exc, BookingConflict)
        errors = error_texts(request, exc)
        context["message"] = translate(request, TAKEN) if taken else " ".join(errors.values())
        return _page(request, context, status=exc.status)
    return after_post(request, request.url_for("interviews:detail", interview_id=detail.id).path)
