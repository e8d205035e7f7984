"""Per-member pacing: never more than WeCom's 30 messages a minute and 1000 an hour. Pure.

WeCom silently drops what goes over (or answers 45009), so the worker paces itself. The
windows slide (stricter than any fixed-minute counter WeCom might keep) and are widened by
`slack` seconds, which covers the moments between a row's claim, the request leaving, and
WeCom stamping it. History comes from the outbox itself (`paced_at`), so the limit holds
across every worker process.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Limits:
    per_minute: int = 30
    per_hour: int = 1000
    slack: float = 2.0

    @property
    def minute(self) -> timedelta:
        return timedelta(seconds=60 + self.slack)

    @property
    def hour(self) -> timedelta:
        return timedelta(seconds=3600 + self.slack)


WECOM_LIMITS = Limits()


def _free_at(history: Sequence[datetime], at: datetime, window: timedelta, limit: int) -> datetime:
    """When a send is next allowed in one window; `history` is sorted."""
    inside = history[bisect.bisect_right(history, at - window) :]
    inside = inside[: bisect.bisect_right(inside, at)]
    if len(inside) < limit:
        return at
    # The oldest sends must leave the window until only limit-1 remain.
    return inside[len(inside) - limit] + window


def earliest(history: Sequence[datetime], at: datetime, limits: Limits) -> datetime:
    """The first moment at or after `at` when one more send keeps both windows in limit."""
    moment = at
    while True:
        later = max(
            _free_at(history, moment, limits.minute, limits.per_minute),
            _free_at(history, moment, limits.hour, limits.per_hour),
        )
        if later == moment:
            return moment
        moment = later


@dataclass
class Plan:
    go: list[int] = field(default_factory=list)
    held: dict[int, datetime] = field(default_factory=dict)


def plan(
    candidates: Sequence[tuple[int, str]],
    history: Mapping[str, Sequence[datetime]],
    now: datetime,
    limits: Limits = WECOM_LIMITS,
) -> Plan:
    """Split (row id, recipient) candidates into rows that go now and rows held until a time.

    Held rows of one recipient get successive slots, so they come due in order instead of
    all at once.
    """
    result = Plan()
    sends = {recipient: sorted(times) for recipient, times in history.items()}
    cursor: dict[str, datetime] = {}
    for row_id, recipient in candidates:
        times = sends.setdefault(recipient, [])
        slot = earliest(times, max(now, cursor.get(recipient, now)), limits)
        bisect.insort(times, slot)
        cursor[recipient] = slot
        if slot <= now:
            result.go.append(row_id)
        else:
            result.held[row_id] = slot
    return result
