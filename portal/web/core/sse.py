"""The Server-Sent Events wire format (text/event-stream), and the response that carries it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import StreamingResponse

from portal.errors import BadRequest

MEDIA_TYPE = "text/event-stream"
_FIRST_TAG = re.compile(r"^\s*<([A-Za-z][\w-]*)")
_NEWLINES = re.compile(r"\r\n|\r|\n")


def message(event: str, data: str, *, event_id: int | None = None) -> str:
    """One event; every line of `data` becomes a `data:` line (the browser rejoins them)."""
    lines = [f"event: {event}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.extend(f"data: {line}" for line in _NEWLINES.split(data))
    return "\n".join(lines) + "\n\n"


def comment(text: str) -> str:
    """Ignored by the browser; keeps proxies from closing an idle connection."""
    return f": {text}\n\n"


def retry(milliseconds: int) -> str:
    """How long the browser waits before it reconnects after the stream ends."""
    return f"retry: {milliseconds}\n\n"


def out_of_band(html: str) -> str:
    """The fragment with hx-swap-oob on its root element, so htmx swaps it in by its id."""
    if "hx-swap-oob" in html.split(">", 1)[0]:
        return html
    return _FIRST_TAG.sub(r'<\1 hx-swap-oob="true"', html, count=1)


def require_event_stream(request: Request) -> None:
    """Only an EventSource may open a stream; a plain visit gets an error page, not a hang."""
    if MEDIA_TYPE not in request.headers.get("accept", ""):
        raise BadRequest()


def last_event_id(request: Request) -> int | None:
    """Where the browser left off: Last-Event-ID on a reconnect, or `?after=` from the page.

    htmx re-creates the EventSource after a refused connection, and a new EventSource sends
    no Last-Event-ID; the page keeps `after` current for that case. The larger one wins.
    """
    raw = [request.headers.get("last-event-id", ""), request.query_params.get("after", "")]
    values = [
        int(value) for value in raw if value.isascii() and value.isdigit() and len(value) <= 15
    ]
    return max(values) if values else None


def stream(chunks: AsyncIterator[str]) -> StreamingResponse:
    return StreamingResponse(
        chunks,
        media_type=MEDIA_TYPE,
        headers={
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",  # nginx: pass each event on, do not buffer
        },
    )
