"""create_platform_sandbox: a Starlette app that behaves like the interview platform."""

from __future__ import annotations

import time
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import api, control, rooms
from .config import PlatformSandboxConfig
from .state import SandboxState

STYLESHEET = "platform.css"


def _stylesheet() -> Callable[[Request], Response]:
    css = (rooms.TEMPLATE_DIR / STYLESHEET).read_bytes()

    def stylesheet(request: Request) -> Response:
        return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=300"})

    return stylesheet


def create_platform_sandbox(
    config: PlatformSandboxConfig | None = None, *, clock: Callable[[], float] | None = None
) -> Starlette:
    """Build a sandbox; works at the root or mounted under a prefix (e.g. /_platform).

    `clock` (unix seconds; default time.time) stamps room times and webhook `ts`; webhook
    retries sleep in real time, scaled by `config.retry_scale`.
    """
    config = config or PlatformSandboxConfig()
    app = Starlette(
        routes=[
            Route(f"/{STYLESHEET}", _stylesheet(), name="platform-css"),
            *rooms.routes,
            *api.routes,
            *control.routes,
        ]
    )
    app.state.platform_sandbox = SandboxState(config, clock or time.time)
    app.state.platform_templates = rooms.build_templates()
    return app
