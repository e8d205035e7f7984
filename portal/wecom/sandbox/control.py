"""The /_control JSON API: reset, codes, delivered messages, stats, faults, clock, clicks."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .callbacks import ClickRejected, click
from .context import sandbox_of
from .mailbox import Delivery
from .state import TOKEN_EXPIRED, TOKEN_INVALID


class BadControl(ValueError):
    """A control request that cannot be honoured (answered with HTTP 400 or 404)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = json.loads(raw or b"{}")
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
    """POST /_control/reset: clear state, keep the config."""
    sandbox_of(request).state.reset()
    return {"ok": True}


async def codes(request: Request) -> dict[str, Any]:
    """POST /_control/codes {"userid", "scope"?} or {"openid"} -> {"code"}."""
    body, sandbox = await _json(request), sandbox_of(request)
    scope = str(body.get("scope") or "snsapi_base")
    if isinstance(body.get("openid"), str) and body["openid"]:
        return {"code": sandbox.state.issue_code(openid=body["openid"])}
    member = sandbox.config.org.member(str(body.get("userid") or ""))
    if member is None:
        raise BadControl(f"unknown userid {body.get('userid')!r}", 404)
    return {"code": sandbox.state.issue_code(userid=member.userid, scope=scope)}


async def messages(request: Request) -> dict[str, Any]:
    """GET /_control/messages[?touser=][&msgid=]: deliveries, oldest first."""
    deliveries = sandbox_of(request).state.mailbox.deliveries
    touser = request.query_params.get("touser", "").lower()
    msgid = request.query_params.get("msgid", "")
    chosen = [
        d.as_json()
        for d in deliveries
        if (not touser or d.touser == touser) and (not msgid or d.msgid == msgid)
    ]
    return {"messages": chosen}


async def stats(request: Request) -> dict[str, Any]:
    """GET /_control/stats."""
    return sandbox_of(request).state.stats()


async def add_fault(request: Request) -> dict[str, Any]:
    """POST /_control/faults {"path", "errcode"|"http_status"|"delay_s", "times"|"ratio"}.

    An errcode fault may carry "errmsg", WeCom's own text (60020's names the caller's IP).
    """
    body = await _json(request)
    try:
        fault = sandbox_of(request).state.faults.add(body)
    except ValueError as exc:
        raise BadControl(str(exc)) from exc
    return {"fault": fault.as_json()}


async def list_faults(request: Request) -> dict[str, Any]:
    """GET /_control/faults."""
    return {"faults": [f.as_json() for f in sandbox_of(request).state.faults.faults]}


async def clear_faults(request: Request) -> dict[str, Any]:
    """DELETE /_control/faults."""
    book = sandbox_of(request).state.faults
    cleared = len(book.faults)
    book.clear()
    return {"cleared": cleared}


async def expire_tokens(request: Request) -> dict[str, Any]:
    """POST /_control/expire-tokens: every issued token now answers 42001."""
    return {"expired": sandbox_of(request).state.revoke_tokens(TOKEN_EXPIRED)}


async def invalidate_tokens(request: Request) -> dict[str, Any]:
    """POST /_control/invalidate-tokens: every issued token now answers 40014."""
    return {"invalidated": sandbox_of(request).state.revoke_tokens(TOKEN_INVALID)}


async def advance(request: Request) -> dict[str, Any]:
    """POST /_control/advance {"seconds"}: move the sandbox clock forward."""
    seconds = (await _json(request)).get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        raise BadControl("seconds must be a number >= 0")
    return {"now": sandbox_of(request).state.advance(float(seconds))}


async def schedules(request: Request) -> dict[str, Any]:
    """GET /_control/schedules: every schedule, deleted ones with status 1."""
    return {"schedules": list(sandbox_of(request).state.schedules.values())}


async def callbacks(request: Request) -> dict[str, Any]:
    """GET /_control/callbacks: every card-button callback fired so far."""
    return {"callbacks": [r.as_json() for r in sandbox_of(request).state.callbacks]}


async def callback_url(request: Request) -> dict[str, Any]:
    """POST /_control/callback-url {"url"}: override config.callback_url until reset."""
    url = (await _json(request)).get("url")
    if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
        raise BadControl("url must be an http(s) URL or null")
    state = sandbox_of(request).state
    state.callback_url_override = url
    return {"callback_url": state.callback_url}


def _delivery_for(request: Request, body: dict[str, Any]) -> Delivery:
    mailbox = sandbox_of(request).state.mailbox
    userid = str(body.get("userid") or "").lower()
    if isinstance(body.get("delivery_id"), int):
        found = mailbox.find(body["delivery_id"])
    else:
        matches = [
            d for d in mailbox.deliveries if d.msgid == body.get("msgid") and d.touser == userid
        ]
        found = matches[0] if matches else None
    if found is None:
        raise BadControl("no such delivery (give delivery_id, or msgid and userid)", 404)
    return found


async def press(request: Request) -> dict[str, Any]:
    """POST /_control/click {"msgid", "userid", "key"} (or "delivery_id"): press a card button."""
    body = await _json(request)
    delivery = _delivery_for(request, body)
    try:
        record = await click(sandbox_of(request), delivery, delivery.touser, str(body.get("key")))
    except ClickRejected as exc:
        raise BadControl(str(exc), 409) from exc
    return {"callback": record.as_json(), "message": delivery.as_json()}


routes = [
    Route("/_control/reset", _handled(reset), methods=["POST"]),
    Route("/_control/codes", _handled(codes), methods=["POST"]),
    Route("/_control/messages", _handled(messages), methods=["GET"]),
    Route("/_control/stats", _handled(stats), methods=["GET"]),
    Route("/_control/faults", _handled(add_fault), methods=["POST"]),
    Route("/_control/faults", _handled(list_faults), methods=["GET"]),
    Route("/_control/faults", _handled(clear_faults), methods=["DELETE"]),
    Route("/_control/expire-tokens", _handled(expire_tokens), methods=["POST"]),
    Route("/_control/invalidate-tokens", _handled(invalidate_tokens), methods=["POST"]),
    Route("/_control/advance", _handled(advance), methods=["POST"]),
    Route("/_control/schedules", _handled(schedules), methods=["GET"]),
    Route("/_control/callbacks", _handled(callbacks), methods=["GET"]),
    Route("/_control/callback-url", _handled(callback_url), methods=["POST"]),
    Route("/_control/click", _handled(press), methods=["POST"]),
]
