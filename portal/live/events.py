"""What is broadcast, and the interface every broadcaster offers."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class LiveEvent:
    """A committed change to one interview, as its publisher announces it."""

    interview_id: int
    kind: str  # "status", "rsvp", "changed", "created", "cancelled", "feedback"...
    event_id: int | None = None  # status_events.id when the change wrote one


@dataclass(frozen=True)
class Published:
    """A LiveEvent as subscribers receive it, with its place in the feed.

    `id` is the live_events id (the SSE event id); None only when the feed row could not be
    written, and then the event reaches this process's viewers without a resume point.
    """

    id: int | None
    interview_id: int
    kind: str


class Subscription:
    """One subscriber's queue of published events.

    A subscriber that falls `limit` events behind is closed rather than buffered without
    bound: its browser reconnects and resumes exactly from its Last-Event-ID.
    """

    def __init__(self, limit: int) -> None:
        self._items: deque[Published] = deque()
        self._ready = asyncio.Event()
        self._limit = limit
        self.closed = False

    def offer(self, item: Published) -> None:
        if self.closed:
            return
        if len(self._items) >= self._limit:
            self.close()
            return
        self._items.append(item)
        self._ready.set()

    def close(self) -> None:
        self.closed = True
        self._items.clear()
        self._ready.set()

    async def next_batch(self, timeout: float) -> list[Published] | None:
        """All queued events, waiting up to `timeout` s for one; [] if none came, None if closed."""
        if not self._items and not self.closed:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._ready.wait()
        if self.closed:
            return None
        batch = list(self._items)
        self._items.clear()
        self._ready.clear()
        return batch


class Broadcaster(Protocol):
    async def publish(self, event: LiveEvent) -> None:
        """Announce a committed change (call after the commit; never raises for subscribers)."""

    def subscribe(self) -> AbstractAsyncContextManager[Subscription]:
        """A subscription to every event published from now on, closed on exit."""


class FanOut:
    """This process's subscribers; both broadcasters deliver through it."""

    def __init__(self, *, queue_size: int = 1000) -> None:
        self._subscriptions: set[Subscription] = set()
        self._queue_size = queue_size
        self._draining = False

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[Subscription]:
        subscription = Subscription(self._queue_size)
        if self._draining:
            subscription.close()
        self._subscriptions.add(subscription)
        try:
            yield subscription
        finally:
            self._subscriptions.discard(subscription)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscriptions)

    def deliver(self, item: Published) -> None:
        for subscription in list(self._subscriptions):
            subscription.offer(item)

    def reset(self) -> None:
        """Close every open subscription; their browsers reconnect and catch up from the feed."""
        for subscription in list(self._subscriptions):
            subscription.close()

    def drain(self) -> None:
        """Close every subscription and refuse new ones: the process is stopping."""
        self._draining = True
        self.reset()
