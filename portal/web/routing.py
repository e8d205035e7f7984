"""Routes declare who may use them; the wrapper enforces it, and CSRF, before the handler runs.

Every route of the portal is built with `route()`, so a route cannot exist without an access
rule (a test walks the whole table with every role).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.web.access import Access, enforce_access
from portal.web.csrf import verify_csrf

Endpoint = Callable[[Request], Awaitable[Response]]


class PortalRoute(Route):
    """A Starlette route that remembers its access rule."""

    access: Access
    csrf: bool


def route(
    path: str,
    endpoint: Endpoint,
    *,
    name: str,
    access: Access,
    methods: Sequence[str] = ("GET",),
    csrf: bool = True,
) -> PortalRoute:
    """A route whose handler runs only after its access rule and CSRF check pass.

    `csrf=False` is for requests that authenticate themselves another way (the WeCom callback
    verifies a signature); it is never right for a browser form.
    """

    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        await enforce_access(request, access)
        if csrf:
            await verify_csrf(request)
        return await endpoint(request)

    built = PortalRoute(path, guarded, methods=list(methods), name=name)
    built.access = access
    built.csrf = csrf
    return built
