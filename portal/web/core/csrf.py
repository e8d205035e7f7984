"""CSRF tokens: one random secret per session, sent back in a form field or an htmx header.

Pages are compressed, so each page carries the secret under a fresh random mask (as Django
does against BREACH): its compressed size then says nothing about the secret.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets

from starlette.requests import Request

from portal.errors import CsrfFailed

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def csrf_token(request: Request) -> str:
    """The session's secret, created on first use, under a new mask each call."""
    secret = request.session.get(SESSION_KEY)
    if not isinstance(secret, str) or len(secret) < 32:
        secret = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = secret
    return mask(secret)


def mask(secret: str) -> str:
    raw = secret.encode()
    pad = secrets.token_bytes(len(raw))
    return base64.urlsafe_b64encode(pad + _xor(pad, raw)).decode().rstrip("=")


def unmask(token: str) -> str | None:
    """The secret under a masked token; None for anything else."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    half = len(raw) // 2
    if half == 0 or len(raw) % 2:
        return None
    try:
        return _xor(raw[:half], raw[half:]).decode()
    except UnicodeDecodeError:
        return None


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def _matches(expected: str, sent: str) -> bool:
    # A bare secret still passes: a page rendered before masking existed keeps working.
    secret = unmask(sent) if len(sent) != len(expected) else sent
    return secret is not None and hmac.compare_digest(expected.encode(), secret.encode())


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
    if not isinstance(expected, str) or not sent or not _matches(expected, sent):
        await request.close()  # an upload's spooled files, which no handler will close
        raise CsrfFailed()


def _has_form_body(request: Request) -> bool:
    content_type = request.headers.get("content-type", "")
    return content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))
