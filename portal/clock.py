"""The portal's one clock: every "now" in domain time comes from here.

One `Clock` is made per process (`open_state`) and handed to whatever needs the time: the
web layer, the use cases, the worker, live status, the WeCom client. Tests hand in a
`FrozenClock` and move it with `set` and `advance`, instead of patching a module's
`datetime`. Monotonic timers (timeouts, pacing, benchmarks) stay on `time.monotonic`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...

    def timestamp(self) -> float:
        """The current time as Unix seconds (for APIs that speak epoch seconds)."""
        ...


class SystemClock:
    """The machine's clock: the demo and production."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def timestamp(self) -> float:
        return self.now().timestamp()


class FrozenClock:
    """A clock that stands still until moved; for tests."""

    def __init__(self, at: datetime) -> None:
        self.set(at)

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._at = at.astimezone(UTC)

    def advance(self, by: timedelta | float) -> datetime:
        """Move forward by a timedelta or by seconds; returns the new now."""
        self._at += by if isinstance(by, timedelta) else timedelta(seconds=by)
        return self._at

    def now(self) -> datetime:
        return self._at

    def timestamp(self) -> float:
        return self._at.timestamp()


SYSTEM_CLOCK = SystemClock()
