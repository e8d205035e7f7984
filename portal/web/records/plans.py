"""A position's interview plan for HR: the rounds in order, and the round form with its kit."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response

from portal import plans
from portal.db.people import list_people
from portal.db.plans import PlanRound, list_rounds, round_pool
from portal.db.positions import Position, get_position
from portal.errors import BadRequest, NotFound
from portal.scheduling import Actor, ActorKind, RawForm, ValidationFailed
from portal.scheduling.kits import LEVEL_LABELS, LEVELS, read_round
from portal.scheduling.rooms import RoomKind
from portal.web.core.access import require_user
from portal.web.core.forms import after_post, error_texts, picked_ids, room_kinds
from portal.web.core.rendering import render, translate
from portal.web.core.state import app_state, current_time

SCALARS = (
    "name", "duration_minutes", "room_kind", "room_paper_uid", "panel_size", "auto_replace"
)  # fmt: skip
BLANK_ROWS = 2  # offered without JavaScript; rows left empty are dropped on save


@dataclass(frozen=True)
class AreaRow:
    key: str = ""
    name: str = ""
    description: str = ""
    anchors: tuple[str, ...] = ("", "", "", "")


@dataclass(frozen=True)
class RoundSummary:
    round: PlanRound
    kind_label: str
    pool_names: list[str] = field(default_factory=list)


async def _position(request: Request) -> Position:
    position = await get_position(app_state(request)["db"], request.path_params["position_id"])
    if position is None:
        raise NotFound()
    return position


def _levels(request: Request) -> list[tuple[int, str]]:
    return [(level, translate(request, LEVEL_LABELS[level])) for level in LEVELS]


async def index(request: Request) -> Response:
    db = app_state(request)["db"]
    position = await _position(request)
    kinds = {kind.value: kind.label for kind in room_kinds(request)["room_kind_options"]}
    summaries = []
    for found in await list_rounds(db, position.id):
        names = [m.name for m in await round_pool(db, found.id)]
        summaries.append(RoundSummary(found, kinds.get(found.room_kind, found.room_kind), names))
    return render(request, "records/plan.html", {"position": position, "rounds": summaries})


async def area_row(request: Request) -> Response:
    """One blank focus-area row, appended by "Add a focus area"."""
    context = {"area": AreaRow(), "levels": _levels(request)}
    return render(request, "records/_area_row.html", context)


async def question_row(request: Request) -> Response:
    return render(request, "records/_question_row.html", {"question": ""})


async def _form(
    request: Request,
    position: Position,
    round_id: int | None,
    values: dict[str, str],
    areas: list[AreaRow],
    questions: list[str],
    pool_ids: list[int],
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
) -> Response:
    db = app_state(request)["db"]
    by_id = {p.id: p for p in await list_people(db, ids=pool_ids)}
    shelf = app_state(request)["papers"]
    papers = None if shelf is None else await shelf.papers()
    context = {
        "position": position,
        "round_id": round_id,
        "values": values,
        "areas": areas + [AreaRow()] * BLANK_ROWS,
        "questions": questions + [""] * BLANK_ROWS,
        "picked": [by_id[i] for i in pool_ids if i in by_id],
        "levels": _levels(request),
        "errors": errors or {},
        "papers": papers or [],
        "papers_unavailable": shelf is not None and papers is None,
    } | room_kinds(request)
    return render(
        request,
        "records/round_form.html",
        context,
        fragment="records/_round_form.html",
        status=status,
    )


async def new(request: Request) -> Response:
    position = await _position(request)
    values = dict.fromkeys(SCALARS, "") | {
        "duration_minutes": "60",
        "panel_size": "1",
        "room_kind": position.room_kind or RoomKind.TECHNICAL.value,
    }
    return await _form(request, position, None, values, [], [], [])


async def edit(request: Request) -> Response:
    db = app_state(request)["db"]
    position = await _position(request)
    found = await plans.plan_round(db, position.id, request.path_params["round_id"])
    values = {
        "name": found.name,
        "duration_minutes": str(found.duration_minutes),
        "room_kind": found.room_kind,
        "room_paper_uid": found.room_paper_uid or "",
        "panel_size": str(found.panel_size),
        "auto_replace": "1" if found.auto_replace else "",
    }
    areas = [AreaRow(a.key, a.name, a.description, a.anchors) for a in found.focus_areas]
    pool = [m.person_id for m in await round_pool(db, found.id)]
    return await _form(
        request, position, found.id, values, areas, [q.text for q in found.questions], pool
    )


def _typed_areas(form: RawForm) -> list[AreaRow]:
    """The focus-area rows as typed, so a refused save shows them again (empty ones dropped)."""

    def texts(name: str) -> list[str]:
        return [v if isinstance(v, str) else "" for v in form.getlist(name)]

    columns = [texts(f"area_{part}") for part in ("key", "name", "description")]
    columns += [texts(f"area_anchor{level}") for level in LEVELS]
    rows = []
    for index in range(max(map(len, columns))):
        cells = [column[index] if index < len(column) else "" for column in columns]
        if any(cell.strip() for cell in cells[1:]):
            rows.append(AreaRow(cells[0], cells[1], cells[2], tuple(cells[3:])))
    return rows


async def save(request: Request) -> Response:
    db = app_state(request)["db"]
    position = await _position(request)
    round_id = request.path_params.get("round_id")
    known: list[str] = []
    area_seq = 0
    if round_id is not None:
        current = await plans.plan_round(db, position.id, round_id)
        known, area_seq = [a.key for a in current.focus_areas], current.area_seq
    form = await request.form()
    user = await require_user(request)
    try:
        fields = read_round(form, known_keys=known, area_seq=area_seq)
        await plans.save_round(
            db,
            position.id,
            round_id,
            fields,
            actor=Actor.person(user, ActorKind.HR),
            now=current_time(request),
        )
    except ValidationFailed as exc:
        values = {name: str(form.get(name) or "") for name in SCALARS}
        questions = [str(q) for q in form.getlist("question") if str(q).strip()]
        pool = picked_ids(form.getlist("pool_ids"))
        errors = error_texts(request, exc)
        return await _form(
            request, position, round_id, values, _typed_areas(form), questions, pool,
            status=422, errors=errors,
        )  # fmt: skip
    return after_post(request, request.url_for("records:plan", position_id=position.id).path)


async def remove(request: Request) -> Response:
    position = await _position(request)
    user = await require_user(request)
    await plans.remove_round(
        app_state(request)["db"],
        position.id,
        request.path_params["round_id"],
        actor=Actor.person(user, ActorKind.HR),
        now=current_time(request),
    )
    return after_post(request, request.url_for("records:plan", position_id=position.id).path)


async def move(request: Request) -> Response:
    position = await _position(request)
    direction = (await request.form()).get("direction")
    if direction not in ("up", "down"):
        raise BadRequest()
    user = await require_user(request)
    await plans.move_round(
        app_state(request)["db"],
        position.id,
        request.path_params["round_id"],
        "up" if direction == "up" else "down",
        actor=Actor.person(user, ActorKind.HR),
        now=current_time(request),
    )
    return after_post(request, request.url_for("records:plan", position_id=position.id).path)
