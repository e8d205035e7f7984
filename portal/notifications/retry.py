"""The retry policy: which failures are worth another try, and when. Pure; no I/O.

Transient (retried with exponential backoff and jitter): -1 system busy, 45033 concurrency,
HTTP 5xx / timeouts / connection errors, a token still refused after the client's one
refresh, and anything unexpected. 45009 waits at least 60 s (WeCom blocks a minute window
for a minute). Permanent (straight to dead letters): every recipient invalid (81013/82001),
unknown member, no permission (48002, 60011, 301002...), 60020 untrusted IP, bad
credentials, a message that breaks WeCom's rules, and any other errcode WeCom answers.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from portal.notifications.outcomes import Dead, Retry
from portal.wecom import (
    AllRecipientsInvalid,
    InvalidCredentials,
    InvalidMessage,
    IpNotAllowed,
    PermissionDenied,
    RateLimited,
    UnknownUser,
    WeComError,
    WeComUnavailable,
)

_PERMANENT_REASONS: list[tuple[type[Exception], str]] = [
    (
        AllRecipientsInvalid,
        "WeCom refused every recipient: the member is outside the app's visible range, "
        "not activated, or has left",
    ),
    (UnknownUser, "WeCom does not know this member"),
    (
        IpNotAllowed,
        "this server's IP address is not in the WeCom app's trusted IP list; "
        "an administrator must add it",
    ),
    (PermissionDenied, "the WeCom app is not allowed to do this (API permission or visible range)"),
    (InvalidCredentials, "WeCom rejected the corp id or the app secret"),
]


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff `base_delay * 2**(attempt-1)`, jittered ×0.5–1.5, capped; dead after the last."""

    max_attempts: int = 8
    base_delay: float = 5.0
    max_delay: float = 3600.0

    def backoff(self, attempts: int, rng: Callable[[], float] = random.random) -> float:
        """Seconds to wait after the `attempts`-th failed attempt."""
        raw = self.base_delay * 2.0 ** max(attempts - 1, 0)
        return float(min(self.max_delay, raw) * (0.5 + rng()))


def describe(error: BaseException) -> str:
    """The failure as one line for the admin page (errmsg kept whole, never parsed)."""
    if isinstance(error, WeComError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def permanent_reason(error: BaseException) -> str | None:
    """A readable reason when retrying cannot help, else None."""
    for kind, reason in _PERMANENT_REASONS:
        if isinstance(error, kind):
            return f"{reason} (errcode {getattr(error, 'errcode', None)})"
    if isinstance(error, InvalidMessage):
        return f"the message breaks a WeCom rule: {error}"
    if isinstance(error, WeComError) and not error.transient:  # the SDK knows what may pass
        return f"WeCom refused it (errcode {error.errcode})"
    return None


def decide(
    error: BaseException,
    attempts: int,
    policy: RetryPolicy,
    rng: Callable[[], float] = random.random,
) -> Retry | Dead:
    """Retry later or give up, after attempt number `attempts` failed with `error`."""
    errcode = error.errcode if isinstance(error, WeComError) else None
    detail = describe(error)
    reason = permanent_reason(error)
    if reason is not None:
        return Dead(f"{reason} — {detail}", errcode)
    if attempts >= policy.max_attempts:
        return Dead(f"gave up after {attempts} attempts — {detail}", errcode)
    delay = policy.backoff(attempts, rng)
    if isinstance(error, RateLimited):
        delay = max(delay, error.retry_after)  # never under 60 s: WeCom blocks the minute
    # A timeout (no HTTP status at all) may still have been delivered.
    maybe_delivered = (
        isinstance(error, WeComUnavailable) and error.request_sent and error.status_code is None
    )
    return Retry(delay, detail, errcode, maybe_delivered=maybe_delivered)
