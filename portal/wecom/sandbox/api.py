"""The /cgi-bin dispatcher: stats, faults, access token, JSON body, then the endpoint."""

from __future__ import annotations

import asyncio
import hmac
import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from . import api_contacts, api_messages, api_schedule
from .context import Sandbox, sandbox_of
from .endpoint import ApiCall, Endpoint
from .errors import ApiError, ok
from .faults import Fault

# A \uXXXX escape of a non-ASCII character: WeCom rejects it with 40033 (send UTF-8 instead).
_ESCAPED_NON_ASCII = re.compile(
    rb"(?<!\\)(?:\\\\)*\\u"
    rb"(?:00[89a-fA-F][0-9a-fA-F]|0[1-9a-fA-F][0-9a-fA-F]{2}|[1-9a-fA-F][0-9a-fA-F]{3})"
)


def gettoken(call: ApiCall) -> dict[str, Any]:
    """GET gettoken?corpid=&corpsecret=."""
    config = call.sandbox.config
    corpid, secret = call.query.get("corpid", ""), call.query.get("corpsecret", "")
    if not corpid:
        raise ApiError(41002)
    if not secret:
        raise ApiError(41004)
    if not hmac.compare_digest(corpid.encode(), config.corp_id.encode()):
        raise ApiError(40013)
    if not hmac.compare_digest(secret.encode(), config.corp_secret.encode()):
        raise ApiError(40001)
    token = call.sandbox.state.issue_token()
    return ok(access_token=token, expires_in=config.token_lifetime_s)


def get_jsapi_ticket(call: ApiCall) -> dict[str, Any]:
    """GET get_jsapi_ticket (corp ticket for wx.config)."""
    ticket = call.sandbox.state.issue_ticket("corp")
    return ok(ticket=ticket, expires_in=call.sandbox.config.token_lifetime_s)


def get_agent_ticket(call: ApiCall) -> dict[str, Any]:
    """GET ticket/get?type=agent_config (app ticket for wx.agentConfig)."""
    if call.query.get("type") != "agent_config":
        raise ApiError(40058, "type must be agent_config")
    ticket = call.sandbox.state.issue_ticket("agent")
    return ok(ticket=ticket, expires_in=call.sandbox.config.token_lifetime_s)


def agent_get(call: ApiCall) -> dict[str, Any]:
    """GET agent/get?agentid=: the app's details and visible range (40056, 301002 otherwise)."""
    config = call.sandbox.config
    raw = call.query.get("agentid", "")
    if not raw:
        raise ApiError(41011)
    if not raw.isdigit():
        raise ApiError(40056, raw)
    if int(raw) != config.agent_id:
        raise ApiError(301002, raw)  # another app: the token's app may only read itself
    visible = config.visible
    return ok(
        agentid=config.agent_id,
        name=config.app_name,
        square_logo_url="",
        description="",
        allow_userinfos={"user": [{"userid": userid} for userid in visible.userids]},
        allow_partys={"partyid": list(visible.department_ids)},
        allow_tags={"tagid": list(visible.tag_ids)},
        close=int(config.app_closed),
        redirect_domain="",
        report_location_flag=0,
        isreportenter=0,
        home_url="",
    )


def getcallbackip(call: ApiCall) -> dict[str, Any]:
    """GET getcallbackip: where callbacks come from (the sandbox runs locally)."""
    return ok(ip_list=["127.0.0.1", "::1"])


ENDPOINTS: dict[str, Endpoint] = {
    "gettoken": Endpoint(gettoken, token=False),
    "get_jsapi_ticket": Endpoint(get_jsapi_ticket),
    "ticket/get": Endpoint(get_agent_ticket),
    "agent/get": Endpoint(agent_get),
    "getcallbackip": Endpoint(getcallbackip),
    **api_messages.ENDPOINTS,
    **api_contacts.ENDPOINTS,
    **api_schedule.ENDPOINTS,
}


async def _fault_response(fault: Fault) -> Response | None:
    if fault.delay_s:
        await asyncio.sleep(fault.delay_s)
    if fault.http_status is not None:
        return PlainTextResponse(f"{fault.http_status} injected by sandbox", fault.http_status)
    if fault.errcode is not None:
        body = ApiError(fault.errcode).body()
        if fault.errmsg is not None:
            body["errmsg"] = fault.errmsg  # e.g. WeCom's 60020 text naming our egress IP
        return JSONResponse(body)
    return None


async def _parse_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if _ESCAPED_NON_ASCII.search(raw):
        raise ApiError(40033)
    try:
        body = json.loads(raw or b"{}")
    except ValueError as exc:
        raise ApiError(47001, "body is not JSON") from exc
    if not isinstance(body, dict):
        raise ApiError(47001, "body must be a JSON object")
    return body


async def _call(request: Request, sandbox: Sandbox, endpoint: Endpoint) -> dict[str, Any]:
    state = sandbox.state
    if endpoint.post and request.method != "POST":
        raise ApiError(43002)
    if endpoint.token:
        token = request.query_params.get("access_token", "")
        if not token:
            raise ApiError(41001)
        errcode = state.token_error(token)
        if errcode is not None:
            raise ApiError(errcode)
    body = await _parse_body(request) if endpoint.post else {}
    return endpoint.handler(ApiCall(sandbox, request.query_params, body, state.now()))


async def cgi_bin(request: Request) -> Response:
    """Every /cgi-bin/... call: WeCom answers errors with HTTP 200 and an errcode."""
    sandbox = sandbox_of(request)
    state = sandbox.state
    path = request.path_params["path"].strip("/")
    state.calls[path] += 1
    fault = state.faults.pick(path)
    if fault is not None:
        state.counters["faults_applied"] += 1
        faulted = await _fault_response(fault)
        if faulted is not None:
            return faulted
    endpoint = ENDPOINTS.get(path)
    try:
        if endpoint is None:
            raise ApiError(48001, path)
        return JSONResponse(await _call(request, sandbox, endpoint))
    except ApiError as exc:
        return JSONResponse(exc.body())


routes = [Route("/cgi-bin/{path:path}", cgi_bin, methods=["GET", "POST"], name="cgi-bin")]
