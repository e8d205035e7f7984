"""Positions for HR: list, create, edit (and switch off when filled)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from portal.db.positions import get_position, list_positions
from portal.errors import NotFound
from portal.records import read_position, save_position
from portal.scheduling import ValidationFailed
from portal.scheduling.rooms import RoomKind
from portal.web.core.forms import after_post, error_texts, room_kinds
from portal.web.core.rendering import render
from portal.web.core.state import app_state, current_time

FIELDS = ("title", "department", "description", "active", "room_kind")


async def index(request: Request) -> Response:
    found = await list_positions(app_state(request)["db"])
    return render(request, "records/positions.html", {"positions": found} | room_kinds(request))


def _form(
    request: Request,
    values: dict[str, str],
    position_id: int | None,
    status: int = 200,
    errors: dict[str, str] | None = None,
) -> Response:
    context = {"values": values, "errors": errors or {}, "position_id": position_id}
    context |= room_kinds(request)
    return render(
        request,
        "records/position_form.html",
        context,
        fragment="records/_position_form.html",
        status=status,
    )


async def new(request: Request) -> Response:
    values = dict.fromkeys(FIELDS, "") | {"active": "on", "room_kind": RoomKind.TECHNICAL.value}
    return _form(request, values, None)


async def edit(request: Request) -> Response:
    position = await get_position(app_state(request)["db"], request.path_params["position_id"])
    if position is None:
        raise NotFound()
    values = {
        "title": position.title,
        "department": position.department or "",
        "description": position.description or "",
        "active": "on" if position.active else "",
        "room_kind": position.room_kind,
    }
    return _form(request, values, position.id)


async def save(request: Request) -> Response:
    form = await request.form()
    position_id = request.path_params.get("position_id")
    try:
        fields = read_position(form)
        await save_position(
            app_state(request)["db"], position_id, fields, now=current_time(request)
        )
    except ValidationFailed as exc:
        values = {name: str(form.get(name) or "") for name in FIELDS}
        return _form(request, values, position_id, 422, error_texts(request, exc))
    return after_post(request, request.url_for("records:positions").path)
