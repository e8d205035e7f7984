"""GET|POST /wecom/callback: WeCom's URL verification and its events.

Refusals carry no body: 403 when the request is not from WeCom (signature, receive id,
timestamp), 400 when it is malformed, oversized or hostile XML. Either way nothing of it is
stored. A good event is answered with an empty 200 once it is applied (well within WeCom's
five seconds); slower follow-ups run from the outbox afterwards.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response

from portal.ops import metrics
from portal.web.core.bodies import BodyTooLarge, read_limited
from portal.web.core.forms import booking_policy
from portal.web.core.state import app_state, current_time
from portal.wecom import WeComCrypto
from portal.wecom_events import CallbackRejected, handle_event, open_event, verify_echo

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
SIGNED = ("msg_signature", "timestamp", "nonce")


def _crypto(request: Request) -> WeComCrypto:
    wecom = app_state(request)["settings"].wecom
    return WeComCrypto(str(wecom.callback_token), str(wecom.callback_aes_key), wecom.corp_id)


def _params(request: Request, *names: str) -> dict[str, str]:
    query = request.query_params
    if any(not query.get(name) or len(query[name]) > 4096 for name in names):
        raise CallbackRejected(400, "missing or oversized query parameter")
    return {name: query[name] for name in names}


async def _body(request: Request) -> bytes:
    try:
        return await read_limited(request, MAX_BODY)
    except BodyTooLarge:
        raise CallbackRejected(400, "body too large") from None


async def _event(request: Request) -> Response:
    params = _params(request, *SIGNED)
    fields = open_event(_crypto(request), await _body(request), params, current_time(request))
    state = app_state(request)
    await handle_event(
        state["db"],
        state["broadcaster"],
        fields,
        now=current_time(request),
        policy=booking_policy(request),
    )
    return Response(b"", media_type="text/plain")


async def callback(request: Request) -> Response:
    try:
        if request.method == "GET":
            params = _params(request, *SIGNED, "echostr")
            echo = verify_echo(_crypto(request), params, current_time(request))
            metrics.webhook("wecom", "verified")
            return Response(echo.encode(), media_type="text/plain")
        response = await _event(request)
    except CallbackRejected as exc:
        log.warning("wecom callback refused (%s): %s", exc.status, exc)
        metrics.webhook("wecom", "refused")
        return Response(status_code=exc.status)
    metrics.webhook("wecom", "accepted")
    return response
