"""Helpers for live-status tests: stand-in fragments, and an SSE stream read through the ASGI app.

Seed data comes from `tests.factories`.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from starlette.requests import Request
from starlette.types import ASGIApp, Message

from portal.db.tables import interviews
from portal.web.core.rendering import language_of
from portal.web.core.state import app_state


async def _status(request: Request, interview_id: int) -> str | None:
    query = sa.select(interviews.c.status).where(interviews.c.id == interview_id)
    status: str | None = await app_state(request)["db"].fetch_val(query)
    return status


async def board_row(request: Request, interview_id: int) -> str | None:
    """A stand-in for the board's row fragment: status, and the viewer's language."""
    status = await _status(request, interview_id)
    if status is None:
        return None
    lang = language_of(request).code
    return f'<tr id="interview-{interview_id}" data-lang="{lang}">\n<td>{status}</td>\n</tr>'


async def status_fragment(request: Request, interview_id: int) -> str | None:
    status = await _status(request, interview_id)
    if status is None:
        return None
    return f'<span id="interview-status-{interview_id}">{status}</span>'


@dataclass(frozen=True)
class SseMessage:
    event: str
    id: str | None
    data: str


@dataclass
class EventStream:
    """One GET run through the ASGI app, its text/event-stream read as it arrives."""

    app: ASGIApp
    path: str
    headers: dict[str, str]
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    blocks: list[str] = field(default_factory=list)
    _chunks: asyncio.Queue[bytes] = field(default_factory=asyncio.Queue)
    _inbox: asyncio.Queue[Message] = field(default_factory=asyncio.Queue)
    _started: asyncio.Event = field(default_factory=asyncio.Event)
    _buffer: str = ""
    task: asyncio.Task[None] | None = None

    async def open(self, timeout: float = 5.0) -> EventStream:
        path, _, query = self.path.partition("?")
        headers = [(k.lower().encode(), v.encode()) for k, v in self.headers.items()]
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [(b"host", b"testserver"), *headers],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        await self._inbox.put({"type": "http.request", "body": b"", "more_body": False})

        async def serve() -> None:
            await self.app(scope, self._inbox.get, self._send)

        self.task = asyncio.create_task(serve())
        async with asyncio.timeout(timeout):
            await self._started.wait()
        return self

    async def _send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.response_headers = {k.decode(): v.decode() for k, v in message["headers"]}
            self._started.set()
        elif message["type"] == "http.response.body":
            await self._chunks.put(message.get("body", b""))

    async def next_block(self, timeout: float = 5.0) -> str:
        """The next raw event block (comments and `retry:` included)."""
        async with asyncio.timeout(timeout):
            while "\n\n" not in self._buffer:
                self._buffer += (await self._chunks.get()).decode()
        block, self._buffer = self._buffer.split("\n\n", 1)
        self.blocks.append(block)
        return block

    async def next_message(self, timeout: float = 5.0) -> SseMessage:
        """The next event, skipping comments and `retry:`."""
        while True:
            fields: dict[str, list[str]] = {}
            for line in (await self.next_block(timeout)).split("\n"):
                name, _, value = line.partition(": ")
                fields.setdefault(name, []).append(value)
            if "event" in fields:
                ids = fields.get("id")
                return SseMessage(
                    fields["event"][0], ids[0] if ids else None, "\n".join(fields.get("data", []))
                )

    async def ended(self, timeout: float = 5.0) -> bool:
        """True once the app finished the response within `timeout` seconds."""
        assert self.task is not None
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await asyncio.shield(self.task)
        return self.task.done()

    async def disconnect(self) -> None:
        await self._inbox.put({"type": "http.disconnect"})
        assert await self.ended()
