"""`GET /healthz`: is the app up and can it reach its database."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from portal.web.core.state import app_state


async def healthz(request: Request) -> Response:
    if await app_state(request)["db"].ping():
        return JSONResponse({"status": "ok", "database": "ok"})
    return JSONResponse({"status": "degraded", "database": "unreachable"}, status_code=503)
