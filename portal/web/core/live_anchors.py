"""What a page with live status needs: the stream URL, resuming from just before the render.

Page handlers put `live` in their context (`board_anchor` or `interview_anchor`) and their
template includes `live/_board_anchor.html` or `live/_anchor.html`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from starlette.requests import Request

from portal.db.live_events import resume_point
from portal.web.core.state import app_state, current_time

# How far before a page's render its stream resumes: longer than the request's own reads and
# the clock difference between app instances (each stamps the events it publishes).
ANCHOR_LOOKBACK = timedelta(seconds=5)

BOARD_ANCHOR_ID = "board-live"


@dataclass(frozen=True)
class LiveAnchor:
    """What a page needs to connect: the stream URL with the feed position it was rendered at."""

    url: str
    element_id: str


async def _anchor(
    request: Request, path: str, element_id: str, query: dict[str, str]
) -> LiveAnchor:
    # Resume a little before now: whatever this request read, in whichever order, is older
    # than ANCHOR_LOOKBACK, so every change it may have missed is replayed (idempotently).
    db = app_state(request)["db"]
    after = await resume_point(db, before=current_time(request) - ANCHOR_LOOKBACK)
    return LiveAnchor(f"{path}?{urlencode(query | {'after': str(after)})}", element_id)


async def board_anchor(request: Request, **query: str) -> LiveAnchor:
    """The board's stream, for `live/_board_anchor.html` (context name `live`)."""
    return await _anchor(request, request.url_for("live:board").path, BOARD_ANCHOR_ID, query)


async def interview_anchor(request: Request, interview_id: int, **query: str) -> LiveAnchor:
    """One interview's stream, for `live/_anchor.html` (context name `live`); `query` says
    which page it is for (`view=hr`), so the stream sends that page's sections."""
    path = request.url_for("live:interview", interview_id=interview_id).path
    return await _anchor(request, path, f"interview-live-{interview_id}", query)
