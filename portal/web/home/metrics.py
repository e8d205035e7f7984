"""`GET /metrics`: Prometheus text for whoever holds `PORTAL_METRICS_TOKEN`.

Without a token configured the endpoint does not exist (404); without the right bearer it is a
401. The same handler serves `portal worker`'s own port (`portal.background`).
"""

from __future__ import annotations

import hmac
import logging

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from portal.db.outbox import oldest_due_at, open_counts
from portal.errors import NotFound
from portal.ops import metrics
from portal.web.core.state import app_state, current_time

log = logging.getLogger(__name__)


def bearer_matches(header: str | None, token: str) -> bool:
    scheme, _, sent = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(sent.strip().encode(), token.encode())


async def metrics_page(request: Request) -> Response:
    state = app_state(request)
    token = state["settings"].metrics_token
    if token is None:
        raise NotFound()
    if not bearer_matches(request.headers.get("authorization"), str(token)):
        log.warning("metrics: refused a request without the right bearer token")
        return PlainTextResponse(
            "A bearer token is required (PORTAL_METRICS_TOKEN).\n",
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    try:
        now = current_time(request)
        db = state["db"]
        metrics.set_outbox(await open_counts(db), await oldest_due_at(db, now=now), now)
    except Exception:  # the rest of the figures still help while the database is away
        log.warning("metrics: could not read the outbox", exc_info=True)
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})
