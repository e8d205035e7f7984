"""The /_control JSON API for tests and demos: reset, rooms, events, webhooks, faults, stats."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..models import ENDED, RATINGS, ROOM_STATUSES
from .state import EventRefused, sandbox_of


class BadControl(ValueError):
    """A control request that cannot be honoured (answered with HTTP 400, 404 or 409)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError as exc:
        raise BadControl("body is not JSON") from exc
    if not isinstance(body, dict):
        raise BadControl("body must be a JSON object")
    return body


ControlHandler = Callable[[Request], Awaitable[dict[str, Any]]]


def _handled(handler: ControlHandler) -> Callable[[Request], Awaitable[Response]]:
    async def wrapper(request: Request) -> Response:
        try:
            return JSONResponse(await handler(request))
        except BadControl as exc:
            return JSONResponse({"error": str(exc)}, status_code=exc.status)

    wrapper.__name__ = handler.__name__
    wrapper.__doc__ = handler.__doc__
    return wrapper


async def reset(request: Request) -> dict[str, Any]:
    """POST /_control/reset: forget rooms, faults, deliveries and stats; keep the config."""
    sandbox_of(request).reset()
    return {"ok": True}


async def rooms(request: Request) -> dict[str, Any]:
    """GET /_control/rooms: every room, oldest first, revoked links included."""
    return {"rooms": [r.control_json() for r in sandbox_of(request).rooms.values()]}


def _rate(body: dict[str, Any], event: str) -> int | None:
    rate = body.get("rate")
    if rate is None:
        return None
    if event != ENDED:
        raise BadControl("rate goes only with interview_ended")
    if isinstance(rate, bool) or not isinstance(rate, int) or rate not in RATINGS:
        raise BadControl("rate must be an integer 1-5")
    return rate


async def event(request: Request) -> dict[str, Any]:
    """POST /_control/rooms/{uid}/events {"event", "rate"?}: change state, send the webhook.

    Steps may be skipped (ending a room nobody opened) or repeated (to resend), never undone.
    The answer comes at once; the delivery runs in the background (see /_control/webhooks).
    """
    state, body = sandbox_of(request), await _json(request)
    room = state.rooms.get(request.path_params["uid"])
    if room is None:
        raise BadControl(f"no room {request.path_params['uid']!r}", 404)
    name = body.get("event")
    if name not in ROOM_STATUSES:
        raise BadControl(f"event must be one of {', '.join(ROOM_STATUSES)}")
    try:
        delivery = state.fire(room, str(name), _rate(body, str(name)), forced=True)
    except EventRefused as exc:
        raise BadControl(str(exc), 409) from exc
    return {"delivery": delivery.as_json(), "room": room.control_json()}


async def webhooks(request: Request) -> dict[str, Any]:
    """GET /_control/webhooks: every delivery with its attempts, oldest first."""
    return {"webhooks": [d.as_json() for d in sandbox_of(request).sender.deliveries]}


async def webhook_url(request: Request) -> dict[str, Any]:
    """POST /_control/webhook-url {"url"}: override config.webhook_url until reset (null: unset)."""
    url = (await _json(request)).get("url")
    if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
        raise BadControl("url must be an http(s) URL or null")
    state = sandbox_of(request)
    state.webhook_url_override = url
    return {"webhook_url": state.webhook_url}


async def add_fault(request: Request) -> dict[str, Any]:
    """POST /_control/faults {"path", "errcode"|"http_status"|"delay_s"|"drop", "times"|"ratio"}."""
    body = await _json(request)
    try:
        fault = sandbox_of(request).faults.add(body)
    except ValueError as exc:
        raise BadControl(str(exc)) from exc
    return {"fault": fault.as_json()}


async def list_faults(request: Request) -> dict[str, Any]:
    """GET /_control/faults: the faults still armed."""
    return {"faults": [f.as_json() for f in sandbox_of(request).faults.faults]}


async def clear_faults(request: Request) -> dict[str, Any]:
    """DELETE /_control/faults."""
    return {"cleared": sandbox_of(request).faults.clear()}


async def stats(request: Request) -> dict[str, Any]:
    """GET /_control/stats: calls per endpoint name, rooms, webhook counters."""
    return sandbox_of(request).stats()


routes = [
    Route("/_control/reset", _handled(reset), methods=["POST"]),
    Route("/_control/rooms", _handled(rooms), methods=["GET"]),
    Route("/_control/rooms/{uid}/events", _handled(event), methods=["POST"]),
    Route("/_control/webhooks", _handled(webhooks), methods=["GET"]),
    Route("/_control/webhook-url", _handled(webhook_url), methods=["POST"]),
    Route("/_control/faults", _handled(add_fault), methods=["POST"]),
    Route("/_control/faults", _handled(list_faults), methods=["GET"]),
    Route("/_control/faults", _handled(clear_faults), methods=["DELETE"]),
    Route("/_control/stats", _handled(stats), methods=["GET"]),
]
