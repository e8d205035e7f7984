"""Routes declare who may use them; the wrapper enforces it, and CSRF, before the handler runs.

Every route of the portal is built with `route()`, so a route cannot exist without an access
rule (a test walks the whole table with every role). Path ids use the `{name:id}` converter:
only numbers an Integer column can hold match, so a larger one is a plain 404, never an
overflow in the driver. Each area of `portal.web` lists its routes once, in its package's
`routes`, and `portal.app` mounts each as an `Area` under its name.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import Scope

from portal.scheduling.fields import MAX_ID
from portal.web.core.access import Access, enforce_access
from portal.web.core.bodies import require_utf8_form
from portal.web.core.csrf import verify_csrf
from portal.web.core.limits import FORM, BodyRule, check_before_reading, require_session

Endpoint = Callable[[Request], Awaitable[Response]]


def numbers_up_to(bound: int) -> str:
    """A regex matching exactly the decimal numbers 1 to `bound` (no sign, no leading zero)."""
    digits = str(bound)
    width = len(digits)
    shorter = [f"[1-9][0-9]{{0,{width - 2}}}"] if width > 1 else []
    # Same width, below `bound`: its first i digits, a smaller digit at i, then any digits.
    below = [
        f"{digits[:i]}[{low}-{int(digit) - 1}][0-9]{{{width - i - 1}}}"
        for i, digit in enumerate(digits)
        if int(digit) > (low := 0 if i else 1)
    ]
    return "(?:" + "|".join([*shorter, *below, digits]) + ")"


class IdConvertor(Convertor[int]):
    """`{name:id}`: a database id, 1 to `MAX_ID`; anything else does not match the route."""

    regex = numbers_up_to(MAX_ID)

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        # Views build URL patterns from a placeholder id 0 (`interviews/views.py`).
        return str(int(value))


# Starlette compiles a path when its route is built: the areas import this module first.
register_url_convertor("id", IdConvertor())


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
    body: BodyRule = FORM,
) -> PortalRoute:
    """A route whose handler runs only after its access rule and CSRF check pass.

    `csrf=False` is for requests that authenticate themselves another way (the WeCom callback
    verifies a signature); it is never right for a browser form. Such a route bounds its own
    body and answers its sender in its own format. `body` is what a browser form may send.
    """

    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        if csrf:  # before anything reads the body (limits.py)
            request = check_before_reading(request, body)
        await enforce_access(request, access)
        if csrf:
            require_session(request)
            await require_utf8_form(request)
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
