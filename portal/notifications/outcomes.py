"""What became of one claimed outbox row; the worker records these in one transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from portal.db.database import Database

# A database change that belongs to a successful send (e.g. store a calendar event id); it
# runs in the same transaction that marks the row sent.
Effect = Callable[[Database], Awaitable[None]]


@dataclass(frozen=True)
class Sent:
    """Done: the message went out (or the task was carried out)."""

    msgid: str | None = None
    failed_recipients: tuple[str, ...] = ()
    effects: tuple[Effect, ...] = ()
    response_code: str | None = None  # a button card's: the portal may update it once


@dataclass(frozen=True)
class Retry:
    """A transient failure: try again after `delay` seconds."""

    delay: float
    error: str
    errcode: int | None = None
    # After a timeout WeCom may have delivered it: the send slot stays taken.
    maybe_delivered: bool = False


@dataclass(frozen=True)
class Dead:
    """A permanent failure, or the last attempt failed: parked for HR to retry or discard."""

    reason: str
    errcode: int | None = None
    failed_recipients: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """Not sent on purpose (the interview was cancelled, feedback already submitted...)."""

    reason: str


@dataclass(frozen=True)
class Released:
    """Claimed but not started before shutdown: back to the queue untouched."""


Outcome = Sent | Retry | Dead | Skipped | Released
