"""The per-app sandbox context handlers reach through `request.app.state`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jinja2
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Router
from starlette.templating import Jinja2Templates

from ..crypto import WeComCrypto
from .config import SandboxConfig
from .state import SandboxState

TEMPLATE_DIR = Path(__file__).resolve().parents[3] / "templates" / "sandbox"


def build_templates() -> Jinja2Templates:
    """The sandbox's own Jinja environment: autoescape on, undefined names fail."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return Jinja2Templates(env=env)


@dataclass
class Sandbox:
    """Config, state, templates and crypto shared by every sandbox route."""

    config: SandboxConfig
    state: SandboxState
    templates: Jinja2Templates
    crypto: WeComCrypto
    callback_transport: httpx.AsyncBaseTransport | None = None
    router: Router = field(default_factory=Router)

    def path_for(self, request: Request, name: str, **params: Any) -> str:
        """A URL path for a sandbox route that also works when mounted under a prefix."""
        # request.url_for would ask the outermost router, which names routes differently
        # when the sandbox is mounted inside the portal; resolve locally and add root_path.
        root = str(request.scope.get("root_path", "")).rstrip("/")
        return root + str(self.router.url_path_for(name, **params))

    def render(
        self, request: Request, name: str, context: dict[str, Any], status_code: int = 200
    ) -> Response:
        """Render a sandbox template with the stylesheet URL every page needs."""
        context = {"css_url": self.path_for(request, "sandbox-css"), **context}
        return self.templates.TemplateResponse(request, name, context, status_code=status_code)


def sandbox_of(request: Request) -> Sandbox:
    """The Sandbox behind this request."""
    sandbox = request.app.state.sandbox
    if not isinstance(sandbox, Sandbox):
        raise RuntimeError("request is not served by a sandbox app")
    return sandbox
