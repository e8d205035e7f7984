"""Live status over Server-Sent Events: the HR board and one interview's page.

Each message is an element freshly rendered for this viewer (language, time zone) with
hx-swap-oob, which the htmx SSE extension swaps in by id. Its `id:` is the live_events id: a
browser that reconnects sends it back (Last-Event-ID, or `?after=`) and first gets every
interview changed since, then the live feed, so a dropped connection misses nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from portal.db.live_events import interview_exists, is_on_interview
from portal.errors import NotFound, PortalError
from portal.live import Published, replay_after
from portal.ops import metrics
from portal.web.core import sse
from portal.web.core.access import require_user
from portal.web.core.state import app_state
from portal.web.interviews.board import render_board_row, render_status_fragment

log = logging.getLogger(__name__)

Renderer = Callable[[Request, int], Awaitable[str | None]]

UPDATED = "interview-updated"
RESET = "live-reset"  # the page is too far behind to catch up: reload it
HEARTBEAT_SECONDS = 15.0
RETRY_MILLISECONDS = 1000
# Streams end now and then (the browser resumes at once): access and roles are re-checked.
MAX_STREAM_SECONDS = 600.0


@dataclass(frozen=True)
class Feed:
    render: Renderer
    interview_id: int | None = None  # None: every interview (the board)

    def wants(self, interview_id: int) -> bool:
        return self.interview_id is None or self.interview_id == interview_id


def fresh(batch: Iterable[Published], *, after: int, feed: Feed) -> list[Published]:
    """The events not yet sent, one per interview (its newest), in feed order."""
    newest: dict[int, Published] = {}
    for item in batch:
        if feed.wants(item.interview_id) and (item.id is None or item.id > after):
            newest.pop(item.interview_id, None)
            newest[item.interview_id] = item
    return list(newest.values())


async def _render(request: Request, feed: Feed, item: Published) -> str | None:
    try:
        html = await feed.render(request, item.interview_id)
    except PortalError:  # gone or no longer visible to this viewer: nothing to show
        return None
    except Exception:  # a bug in one row must not end everyone's stream; it is logged
        log.exception("live render failed for interview %s", item.interview_id)
        return None
    if html is None:
        return None
    return sse.message(UPDATED, sse.out_of_band(html), event_id=item.id)


async def _messages(request: Request, feed: Feed, items: Iterable[Published]) -> AsyncIterator[str]:
    for item in items:
        message = await _render(request, feed, item)
        if message is not None:
            yield message


async def _events(request: Request, feed: Feed, cursor: int | None) -> AsyncIterator[str]:
    open_now = metrics.SSE_OPEN.labels("board" if feed.interview_id is None else "interview")
    open_now.inc()
    try:
        async for message in _stream(request, feed, cursor):
            yield message
    finally:  # the browser went away, the stream timed out, or the server is stopping
        open_now.dec()


async def _stream(request: Request, feed: Feed, cursor: int | None) -> AsyncIterator[str]:
    state = app_state(request)
    deadline = asyncio.get_running_loop().time() + MAX_STREAM_SECONDS
    # Subscribe before reading the replay: an event committed in between is in one or both.
    async with state["broadcaster"].subscribe() as subscription:
        yield sse.retry(RETRY_MILLISECONDS)
        sent = 0
        if cursor is not None:
            replay = await replay_after(state["db"], cursor, interview_id=feed.interview_id)
            if replay.stale:
                yield sse.message(RESET, "reload")
                return
            sent = replay.last_id
            missed = [Published(row.id, row.interview_id, row.kind) for row in replay.items]
            async for message in _messages(request, feed, missed):
                yield message
        while asyncio.get_running_loop().time() < deadline:
            batch = await subscription.next_batch(HEARTBEAT_SECONDS)
            if batch is None:
                return  # stopping, or this subscriber fell behind: the browser resumes
            if not batch:
                yield sse.comment("keepalive")
                continue
            async for message in _messages(request, feed, fresh(batch, after=sent, feed=feed)):
                yield message


async def _check_watcher(request: Request, interview_id: int) -> None:
    """HR may watch any interview; an interviewer only one they are on. Else: not found."""
    user = await require_user(request)
    db = app_state(request)["db"]
    if user.is_hr:
        allowed = await interview_exists(db, interview_id)
    else:
        allowed = await is_on_interview(db, interview_id, user.id)
    if not allowed:
        raise NotFound()


@dataclass(frozen=True)
class Fragments:
    """How each stream renders a changed interview for its viewer."""

    board_row: Renderer
    interview_status: Renderer


# The scheduling pages' own fragment functions (the live tests swap in stand-ins).
FRAGMENTS = Fragments(board_row=render_board_row, interview_status=render_status_fragment)


async def board(request: Request) -> Response:
    sse.require_event_stream(request)
    feed = Feed(FRAGMENTS.board_row)
    return sse.stream(_events(request, feed, sse.last_event_id(request)))


async def interview(request: Request) -> Response:
    sse.require_event_stream(request)
    interview_id: int = request.path_params["interview_id"]
    await _check_watcher(request, interview_id)
    feed = Feed(FRAGMENTS.interview_status, interview_id)
    return sse.stream(_events(request, feed, sse.last_event_id(request)))
