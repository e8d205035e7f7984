"""Routes declare who may use them; the wrapper enforces it, and CSRF, before the handler runs.

Every route of the portal is built with `route()`, so a route cannot exist without an access
rule (a test walks the whole table with every role). Each area of `portal.web` lists its routes
once, in its package's `routes`, and `portal.app` mounts each as an `Area` under its name.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import Scope

from portal.web.core.access import Access, enforce_access
from portal.web.core.csrf import verify_csrf

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


class Area(Mount):
    """One area of the portal, mounted by name (`interviews:board`) at the site root.

    The portal's URLs are public (WeCom menus, sent messages, candidates' share links), so an
    area lists its full paths and several areas share a prefix (`/interviews/{id}` is the
    board's, `/interviews/{id}/link` the share link's). A plain `Mount("")` would claim every
    request; an area claims only those one of its own routes matches, fully or by path alone
    (the router then answers 405 with the allowed methods, as for a flat route).
    """

    def __init__(self, name: str, routes: Sequence[BaseRoute]) -> None:
        super().__init__("", routes=list(routes), name=name)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match is not Match.FULL:
            return match, child_scope
        inner = {**scope, **child_scope}
        found = Match.NONE
        for route in self.routes:
            route_match, _ = route.matches(inner)
            if route_match is Match.FULL:
                return Match.FULL, child_scope
            if route_match is Match.PARTIAL:
                found = Match.PARTIAL
        return found, child_scope
