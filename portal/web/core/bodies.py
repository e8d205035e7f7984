"""Reading a request body with a limit: a hostile sender cannot make the portal buffer more."""

from __future__ import annotations

from starlette.requests import Request


class BodyTooLarge(Exception):
    """The body (declared or received) is over the limit, or its declared length is bad."""


async def read_limited(request: Request, max_bytes: int) -> bytes:
    """The raw body, refusing early on a declared length and again while it streams."""
    declared = request.headers.get("content-length", "")
    if declared and (not declared.isdigit() or int(declared) > max_bytes):
        raise BodyTooLarge()
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > max_bytes:
            raise BodyTooLarge()
    return bytes(received)
