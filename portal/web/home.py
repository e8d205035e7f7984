"""The landing page and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.i18n import normalise
from portal.web.access import Access
from portal.web.language import SESSION_KEY as LANGUAGE_KEY
from portal.web.rendering import render
from portal.web.routing import route


async def landing(request: Request) -> Response:
    return render(request, "home/landing.html")


def local_path(value: object, default: str = "/") -> str:
    """`value` if it is a path on this site, else `default` (no open redirects)."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//"):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or "\\" in value:
        return default
    return value


async def switch_language(request: Request) -> Response:
    form = await request.form()
    code = normalise(str(form.get("language", "")))
    if code:
        request.session[LANGUAGE_KEY] = code
    return RedirectResponse(local_path(form.get("next")), status_code=303)


routes = [
    route("/", landing, name="home:landing", access=Access.PUBLIC),
    route(
        "/language", switch_language, name="home:language", access=Access.PUBLIC, methods=["POST"]
    ),
]
