"""One way to show an error: `errors/<status>.html`, or the inline fragment for htmx."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.db.database import DatabaseUnavailable
from portal.errors import PortalError
from portal.i18n import N_
from portal.web.core.access import LoginRequired
from portal.web.core.htmx import HtmxDetails, hx_redirect, retarget
from portal.web.core.middleware import add_security_headers, loggable_path
from portal.web.core.rendering import render, translate
from portal.web.core.state import app_state

log = logging.getLogger(__name__)

STATUS_MESSAGES = {
    400: N_("The request was not valid."),
    403: N_("You do not have permission to do that."),
    404: N_("The page you asked for does not exist."),
    405: N_("That action is not allowed here."),
    410: N_("This link is no longer valid."),
    500: N_("Something went wrong on our side. It has been logged; please try again."),
    503: N_("A service the portal needs is not reachable right now. Try again shortly."),
}
PAGES_WITH_OWN_TEMPLATE = {403, 404, 500}


def error_response(
    request: Request,
    status: int,
    message: str,
    action: tuple[str, str] | None = None,
    params: dict[str, object] | None = None,
) -> Response:
    text = translate(request, message, **(params or {}))
    if HtmxDetails.of(request).request:
        response = render(request, "errors/_inline.html", {"message": text}, status=status)
        # htmx swaps no 4xx/5xx by default; the base config lets errors show in #flash.
        return retarget(response, "#flash")
    template = f"errors/{status}.html" if status in PAGES_WITH_OWN_TEMPLATE else "errors/error.html"
    route_name, label = action or ("home:landing", N_("Back to the start page"))
    context = {
        "status": status,
        "message": text,
        "action_url": request.url_for(route_name).path,
        "action_label": translate(request, label),
    }
    return render(request, template, context, status=status)


async def portal_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PortalError)
    log.info("%s %s refused: %s", request.method, loggable_path(request.url.path), exc)
    return error_response(request, exc.status, exc.message, exc.action, exc.params)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = STATUS_MESSAGES.get(exc.status_code, STATUS_MESSAGES[400])
    response = error_response(request, exc.status_code, message)
    response.headers.update(exc.headers or {})  # a 405 says which methods are allowed
    return response


async def login_required(request: Request, exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    login = f"{request.url_for('auth:login').path}?{urlencode({'next': target})}"
    if HtmxDetails.of(request).request:
        return hx_redirect(Response(status_code=204), login)
    return RedirectResponse(login, status_code=303)


# How soon a browser or a client may ask again while the database is away.
RETRY_AFTER_SECONDS = 30


async def database_unavailable(request: Request, exc: Exception) -> Response:
    """The database is away: 503 with advice to retry this same page, never a bare 500."""
    log.warning(
        "%s %s: database unavailable: %s", request.method, loggable_path(request.url.path), exc
    )
    text = translate(request, STATUS_MESSAGES[503])
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if HtmxDetails.of(request).request:
        response = render(request, "errors/_inline.html", {"message": text}, status=503)
        response.headers.update(headers)
        return retarget(response, "#flash")
    context = {"status": 503, "message": text, "retry_url": _retry_url(request)}
    return render(request, "errors/503.html", context, status=503, headers=headers)


def _retry_url(request: Request) -> str:
    """This page again for a GET; after a form post, the start page (the link is a GET)."""
    if request.method != "GET":
        return request.url_for("home:landing").path
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, loggable_path(request.url.path))
    try:
        response = error_response(request, 500, STATUS_MESSAGES[500])
    except Exception:  # the error page itself failed (e.g. no lifespan state); stay plain
        log.exception("error page failed")
        response = Response("Internal Server Error", status_code=500, media_type="text/plain")
    # This handler runs outside the middleware stack (Starlette's ServerErrorMiddleware).
    add_security_headers(response.headers, https=_https(request))
    return response


def _https(request: Request) -> bool:
    try:
        return app_state(request)["settings"].https
    except KeyError:  # no lifespan state: nothing says the site is served over HTTPS
        return False


EXCEPTION_HANDLERS = {
    PortalError: portal_error,
    HTTPException: http_error,
    LoginRequired: login_required,
    DatabaseUnavailable: database_unavailable,
    Exception: server_error,
}
