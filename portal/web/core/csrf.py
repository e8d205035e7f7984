"""CSRF tokens: one random token per session, sent back in a form field or an htmx header."""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request

from portal.errors import CsrfFailed

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def csrf_token(request: Request) -> str:
    """The session's token, created on first use."""
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


def rotate_csrf_token(request: Request) -> None:
    """A new token at sign-in, so one fixed before authentication is useless afterwards."""
    request.session[SESSION_KEY] = secrets.token_urlsafe(32)


async def verify_csrf(request: Request) -> None:
    """Raise CsrfFailed unless an unsafe request carries the session's token."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(SESSION_KEY)
    sent = request.headers.get(HEADER)
    if sent is None and _has_form_body(request):
        value = (await request.form()).get(FORM_FIELD)
        sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not sent or not hmac.compare_digest(expected, sent):
        await request.close()  # an upload's spooled files, which no handler will close
        raise CsrfFailed()


def _has_form_body(request: Request) -> bool:
    content_type = request.headers.get("content-type", "")
    return content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))
