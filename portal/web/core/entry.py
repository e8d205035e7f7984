"""Sending someone into an interview room, or telling them clearly why not.

The link itself is personal: it goes out only as this response's `Location`, never into a
page, a log line or a shared cache, and the room is not told which portal page sent them.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.rooms.entrance import PREPARING, Way
from portal.web.core.middleware import loggable_path
from portal.web.core.rendering import render, translate

log = logging.getLogger(__name__)

PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def enter(request: Request, way: Way, *, back: str, candidate: bool = False) -> Response:
    """A redirect to `way.url`, else the page that says why (with a way back)."""
    where = loggable_path(request.url.path)
    if way.url is not None:
        log.info("room entered through %s", where)
        return RedirectResponse(way.url, status_code=303, headers=PRIVATE)
    log.info("room refused through %s: %s", where, way.reason)
    context = {
        "message": translate(request, way.reason or "", **way.params),
        "back": back,
        "retry": way.reason == PREPARING,
        "candidate": candidate,
    }
    return render(request, "rooms/entry.html", context, status=way.status, headers=PRIVATE)
