"""Per-member message caps (WeCom: 30 per minute and 1000 per hour per app)."""

from __future__ import annotations

from collections import deque

MINUTE = 60.0
HOUR = 3600.0


class MemberRateLimiter:
    """Sliding-window counters of delivered messages per member."""

    def __init__(self, per_minute: int, per_hour: int) -> None:
        self.per_minute = per_minute
        self.per_hour = per_hour
        self._sent: dict[str, deque[float]] = {}

    def allow(self, member: str, now: float) -> bool:
        """Record a delivery at `now` and return True, or return False when over a cap."""
        sent = self._sent.setdefault(member, deque())
        while sent and sent[0] <= now - HOUR:
            sent.popleft()
        last_minute = sum(1 for stamp in sent if stamp > now - MINUTE)
        if last_minute >= self.per_minute or len(sent) >= self.per_hour:
            return False
        sent.append(now)
        return True
