"""create_sandbox_app: a Starlette app that behaves like the WeCom server for the portal."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..crypto import WeComCrypto
from . import api, control, inbox, login
from .config import SandboxConfig
from .context import TEMPLATE_DIR, Sandbox, build_templates, sandbox_of
from .state import SandboxState


async def home(request: Request) -> Response:
    """The sandbox root shows the member inboxes."""
    return RedirectResponse(sandbox_of(request).path_for(request, "inbox-index"), 307)


def _stylesheet() -> Callable[[Request], Response]:
    css = (TEMPLATE_DIR / "sandbox.css").read_bytes()

    def stylesheet(request: Request) -> Response:
        return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=300"})

    return stylesheet


def create_sandbox_app(
    config: SandboxConfig | None = None,
    *,
    clock: Callable[[], float] | None = None,
    callback_transport: httpx.AsyncBaseTransport | None = None,
) -> Starlette:
    """Build a sandbox; works at the root or mounted under a prefix (e.g. /_sandbox).

    `clock` replaces time.time (the control API can also advance it); `callback_transport`
    lets tests deliver card-button callbacks in process instead of over the network.
    """
    config = config or SandboxConfig()
    crypto = WeComCrypto(config.callback_token, config.callback_aes_key, config.corp_id)
    state = SandboxState(config, clock or time.time)
    sandbox = Sandbox(config, state, build_templates(), crypto, callback_transport)
    app = Starlette(
        routes=[
            Route("/", home, name="home"),
            Route("/sandbox.css", _stylesheet(), name="sandbox-css"),
            *api.routes,
            *login.routes,
            *inbox.routes,
            *control.routes,
        ]
    )
    app.state.sandbox = sandbox
    sandbox.router = app.router
    return app
