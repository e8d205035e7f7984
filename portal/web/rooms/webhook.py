"""POST /platform/webhook: the platform's signed reports about a room.

A wrong or missing signature is 401 with no body; a malformed or oversized body is 400.
A good one is recorded and answered 200 at once; its change is made after the answer
(`BackgroundTask`), and the platform's retries of it change nothing.
"""

from __future__ import annotations

import logging

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from portal.errors import NotFound
from portal.ops import metrics
from portal.platform import SIGNATURE_HEADER
from portal.platform.webhooks import MAX_BODY_BYTES
from portal.rooms.events import WebhookRefused, apply_logged, intake
from portal.web.core.bodies import BodyTooLarge, read_limited
from portal.web.core.state import app_state, current_time

log = logging.getLogger(__name__)

ACK = {"errcode": 0, "errmsg": "ok"}


async def receive(request: Request) -> Response:
    state = app_state(request)
    platform = state["settings"].platform
    if platform is None:
        raise NotFound()
    try:
        body = await read_limited(request, MAX_BODY_BYTES)
        event = await intake(
            state["db"],
            body,
            request.headers.get(SIGNATURE_HEADER),
            secret=str(platform.webhook_secret),
            now=current_time(request),
        )
    except BodyTooLarge:
        log.warning("platform webhook refused: body over %d bytes", MAX_BODY_BYTES)
        metrics.webhook("platform", "refused")
        return JSONResponse({"errcode": 400, "errmsg": "body too large"}, status_code=400)
    except WebhookRefused as exc:
        log.warning("platform webhook refused (%d): %s", exc.status, exc.reason)
        metrics.webhook("platform", "refused")
        if exc.status == 401:
            return Response(status_code=401)
        return JSONResponse({"errcode": exc.status, "errmsg": exc.reason}, status_code=exc.status)
    if event is None:
        metrics.webhook("platform", "duplicate")
        return JSONResponse(ACK)
    metrics.webhook("platform", "accepted")
    work = BackgroundTask(
        apply_logged, state["db"], state["broadcaster"], event, now=current_time(request)
    )
    return JSONResponse(ACK, background=work)
