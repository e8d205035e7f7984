"""An SSE client in front of several web instances, as a browser behind a failover proxy is.

It reads one instance's stream; when that connection breaks it waits for `resume` (the
browser's `retry:` pause, which the test ends when it chooses) and reconnects to the next
instance with Last-Event-ID, as the htmx SSE extension's EventSource does.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

WAIT = 30.0


@dataclass(frozen=True)
class Event:
    id: int | None  # None: an event without an id (a reset), which no test expects
    name: str
    data: str
    source: str  # the instance that sent it


@dataclass
class Connection:
    url: str
    last_event_id: int | None  # what the client sent
    subscribed: bool = False  # the stream's `retry:` arrived: the instance is listening
    error: str | None = None  # why it ended (None: still open, or ended cleanly)
    ended: bool = False


@dataclass
class FailoverStream:
    http: httpx.AsyncClient
    urls: Sequence[str]
    path: str
    events: list[Event] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)
    resume: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def last_id(self) -> int | None:
        ids = [event.id for event in self.events if event.id is not None]
        return ids[-1] if ids else None

    async def run(self) -> None:
        for url in self.urls:
            connection = Connection(url, self.last_id)
            self.connections.append(connection)
            headers = {"accept": "text/event-stream"}
            if connection.last_event_id is not None:
                headers["last-event-id"] = str(connection.last_event_id)
            try:
                # Reads wait past the stream's 15-second heartbeat.
                timeout = httpx.Timeout(5, read=WAIT)
                request = self.http.stream("GET", url + self.path, headers=headers, timeout=timeout)
                async with request as response:
                    response.raise_for_status()
                    await self._read(response, connection)
            except httpx.TransportError as exc:  # the instance went away mid-stream
                connection.error = repr(exc)
            connection.ended = True
            await self.resume.wait()
            self.resume.clear()

    async def _read(self, response: httpx.Response, connection: Connection) -> None:
        fields: dict[str, list[str]] = {}
        async for line in response.aiter_lines():
            if line:
                name, _, value = line.partition(":")
                fields.setdefault(name, []).append(value.removeprefix(" "))
                continue
            if "retry" in fields:
                connection.subscribed = True
            if "event" in fields:
                name, data = fields["event"][0], "\n".join(fields.get("data", []))
                ids = fields.get("id")
                event_id = int(ids[0]) if ids else None
                self.events.append(Event(event_id, name, data, connection.url))
            fields = {}


async def until(check: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    """Poll `check` until it holds; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out after {timeout}s waiting for {what}"
        await asyncio.sleep(0.02)
