"""A per-client limit on failures (share-link tokens that do not work), in memory, bounded.

In memory and per process on purpose: it is defence in depth (an HMAC-signed token cannot be
guessed), so it needs no table, no migration and no write per request; several processes
each keep their own count, which only multiplies the limit by their number.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from starlette.requests import HTTPConnection


@dataclass
class _Window:
    started: datetime
    failures: int = 0


class FailureLimit:
    """At most `limit` failures per client in a fixed `window`; the oldest clients are
    forgotten first once `max_clients` are tracked, so memory stays bounded."""

    def __init__(self, *, limit: int, window: timedelta, max_clients: int = 10_000) -> None:
        self.limit = limit
        self.window = window
        self.max_clients = max_clients
        self._windows: OrderedDict[str, _Window] = OrderedDict()

    def __len__(self) -> int:
        return len(self._windows)

    def retry_after(self, client: str, now: datetime) -> int | None:
        """Whole seconds until `client` may try again, or None while it is under the limit."""
        window = self._current(client, now)
        if window is None or window.failures < self.limit:
            return None
        left = (window.started + self.window - now).total_seconds()
        return max(1, math.ceil(left))

    def failed(self, client: str, now: datetime) -> None:
        window = self._current(client, now)
        if window is None:
            window = self._windows[client] = _Window(now)
            while len(self._windows) > self.max_clients:
                self._windows.popitem(last=False)
        window.failures += 1

    def _current(self, client: str, now: datetime) -> _Window | None:
        window = self._windows.get(client)
        if window is not None and now >= window.started + self.window:
            del self._windows[client]
            return None
        return window


def client_key(conn: HTTPConnection) -> str:
    """Who is asking: the peer address (uvicorn's proxy_headers put the real one there)."""
    return conn.client.host if conn.client else "unknown"
