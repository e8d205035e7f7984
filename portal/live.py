"""Live status: who changed which interview, broadcast to every open board and page.

The scheduling service publishes a `LiveEvent` after its transaction commits. On SQLite an
in-process hub fans it out; on PostgreSQL LISTEN/NOTIFY carries it to every app instance
(see the live-status issue). Subscribers are the SSE streams in `portal/web/live.py`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class LiveEvent:
    interview_id: int
    kind: str  # "status", "rsvp", "changed", "created", "cancelled", "feedback"...
    event_id: int | None = None  # status_events.id when the change wrote one


class Broadcaster(Protocol):
    async def publish(self, event: LiveEvent) -> None:
        """Announce a committed change (never raises for a slow or absent subscriber)."""

    def subscribe(self) -> AsyncIterator[LiveEvent]:
        """Events published from now on, until the caller stops iterating."""


class InProcessHub:
    """Fan-out inside one process (SQLite, tests); each subscriber has its own queue."""

    def __init__(self, *, queue_size: int = 1000) -> None:
        self._queues: set[asyncio.Queue[LiveEvent]] = set()
        self._queue_size = queue_size

    async def publish(self, event: LiveEvent) -> None:
        for queue in list(self._queues):
            if queue.full():
                continue  # a stalled subscriber catches up from status_events on reconnect
            queue.put_nowait(event)

    async def subscribe(self) -> AsyncIterator[LiveEvent]:
        queue: asyncio.Queue[LiveEvent] = asyncio.Queue(self._queue_size)
        self._queues.add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._queues.discard(queue)
