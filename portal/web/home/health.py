"""`GET /healthz`: is the app up and can it reach its database. It never raises."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from portal.web.core.state import app_state

# A load balancer's probe must get an answer within a second, whatever the database does.
HEALTH_TIMEOUT = 0.8


async def healthz(request: Request) -> Response:
    if await app_state(request)["db"].ping(timeout=HEALTH_TIMEOUT):
        return JSONResponse({"status": "ok", "database": "ok"})
    return JSONResponse({"status": "degraded", "database": "unreachable"}, status_code=503)
