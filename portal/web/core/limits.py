"""What a route accepts as a body, enforced before the body is read and again while it streams.

A hostile sender must not make the portal buffer or spool a large body only to be refused
afterwards, so `route()` checks the declared length, the kind of body and the session before
any handler or form parser runs, and caps the bytes it lets through while they arrive.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import Message, Receive

from portal.errors import BadRequest, CsrfFailed, PortalError
from portal.i18n import N_
from portal.web.core import csrf

KIB = 1024
SAFE_METHODS = csrf.SAFE_METHODS
MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class BodyRule:
    """At most `max_bytes` of body; multipart only where the route takes files."""

    max_bytes: int
    files: bool = False


# A form post. The largest is a scorecard: three texts of 4000 characters, which a browser
# sends percent-encoded, up to 12 bytes a character (an emoji), about 144 KB.
FORM = BodyRule(max_bytes=256 * KIB)


class BodyTooLarge(PortalError):
    status = 413
    message = N_("The form sent more data than this page accepts (at most %(limit)s KB).")

    def __init__(self, max_bytes: int) -> None:
        super().__init__(params={"limit": max_bytes // KIB})


class FilesNotAccepted(PortalError):
    status = 415
    message = N_("This page does not accept file uploads.")


class BadLength(BadRequest):
    message = N_("The request declared a body length that is not a number.")


def check_before_reading(request: Request, rule: BodyRule) -> Request:
    """Refuse what can be refused from the headers; the request to use, its body capped."""
    if request.method in SAFE_METHODS:
        return request
    declared = request.headers.get("content-length")
    if declared is not None:
        if not (declared.isascii() and declared.strip().isdigit()):
            raise BadLength()
        if int(declared) > rule.max_bytes:
            raise BodyTooLarge(rule.max_bytes)
    content_type = request.headers.get("content-type", "").strip().lower()
    if not rule.files and content_type.startswith(MULTIPART):
        raise FilesNotAccepted()
    return Request(request.scope, capped(request.receive, rule.max_bytes))


def require_session(request: Request) -> None:
    """Refuse an unsafe request without a session before its body is parsed.

    Its CSRF token would be compared with the session's, so it would be refused anyway, but
    only after its form was read (and its files spooled to disk).
    """
    if request.method not in SAFE_METHODS and not request.session.get(csrf.SESSION_KEY):
        raise CsrfFailed()


def capped(receive: Receive, max_bytes: int) -> Receive:
    """`receive`, raising BodyTooLarge once more than `max_bytes` of body have arrived.

    A chunked body declares no length, so this is the only bound it meets.
    """
    received = 0

    async def bounded() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > max_bytes:
                raise BodyTooLarge(max_bytes)
        return message

    return bounded
