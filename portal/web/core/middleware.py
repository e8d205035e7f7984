"""Pure ASGI middleware: one log line per request, and security headers on every response."""

from __future__ import annotations

import logging
import re
import time

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.logs import accepted_request_id, request_context
from portal.ops import metrics

log = logging.getLogger("portal.request")

# Path segments that are secrets themselves (candidate link tokens) never reach a log.
_SECRET_PATHS = re.compile(r"^(/c/)[^/]+")


def loggable_path(path: str) -> str:
    """The path without secret segments; query strings (OAuth codes, state) are never logged."""
    return _SECRET_PATHS.sub(r"\1…", path)


class RequestLogMiddleware:
    """The request's id (the caller's `X-Request-ID`, or a new one) on every log line it causes
    and on its response; one log line and one duration sample per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        request_id = accepted_request_id(Headers(scope=scope).get("x-request-id"))

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        with request_context(request_id):
            try:
                await self.app(scope, receive, send_wrapper)
            finally:
                seconds = time.perf_counter() - started
                log.info(
                    "%s %s %d %.1fms",
                    scope["method"],
                    loggable_path(scope["path"]),
                    status,
                    seconds * 1000,
                )
                metrics.observe_request(route_template(scope), scope["method"], status, seconds)


def route_template(scope: Scope) -> str | None:
    """The matched route's path pattern (`/mine/{interview_id:id}`), never the path itself."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else None


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def add_security_headers(headers: MutableHeaders, *, https: bool) -> None:
    """The headers every response carries; a handler's own value (e.g. a stricter one) wins."""
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # Candidate links carry a token in the path: never leak it to other sites.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if https:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")


class SecurityHeadersMiddleware:
    """Security headers on every response the middleware stack sees.

    Starlette answers an unhandled exception from `ServerErrorMiddleware`, outside every user
    middleware, so the 500 handler (`core/errors.server_error`) adds the same headers itself.
    """

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_security_headers(MutableHeaders(scope=message), https=self.https)
            await send(message)

        await self.app(scope, receive, send_wrapper)
