"""The retry policy as a table: which failures retry, when, and which are dead at once."""

from __future__ import annotations

import pytest

from portal.notifications.outcomes import Dead, Retry
from portal.notifications.retry import RetryPolicy, decide
from portal.wecom import InvalidMessage, WeComUnavailable, error_for

POLICY = RetryPolicy(max_attempts=5, base_delay=10.0, max_delay=600.0)
MIDDLE = 0.5  # the jitter draw that leaves the backoff unscaled


def _send_error(errcode: int) -> Exception:
    return error_for(errcode, "errmsg from WeCom", "message/send")


@pytest.mark.parametrize(
    ("error", "attempts", "delay"),
    [
        (_send_error(-1), 1, 10.0),
        (_send_error(-1), 3, 40.0),
        (_send_error(45033), 2, 20.0),
        (WeComUnavailable("HTTP 503", "message/send", status_code=503), 1, 10.0),
        (WeComUnavailable("ReadTimeout", "message/send"), 4, 80.0),
        (_send_error(42001), 1, 10.0),  # still refused after the client's one refresh
        (RuntimeError("database went away"), 2, 20.0),
    ],
)
def test_decide_transient_failure_retries_with_backoff(
    error: Exception, attempts: int, delay: float
) -> None:
    decision = decide(error, attempts, POLICY, rng=lambda: MIDDLE)
    assert isinstance(decision, Retry)
    assert decision.delay == delay


def test_decide_rate_limit_waits_at_least_sixty_seconds() -> None:
    decision = decide(_send_error(45009), 1, POLICY, rng=lambda: 0.0)  # backoff alone: 5 s
    assert isinstance(decision, Retry) and decision.delay == 60.0
    assert decision.errcode == 45009


def test_decide_backoff_is_jittered_and_capped() -> None:
    low = decide(_send_error(-1), 4, POLICY, rng=lambda: 0.0)
    high = decide(_send_error(-1), 4, POLICY, rng=lambda: 0.999)
    assert isinstance(low, Retry) and isinstance(high, Retry)
    assert low.delay == 40.0 and 119.0 < high.delay < 120.0
    capped = decide(_send_error(-1), 4, RetryPolicy(max_attempts=9, max_delay=30.0), lambda: 0.5)
    assert isinstance(capped, Retry) and capped.delay == 30.0


@pytest.mark.parametrize(
    ("errcode", "words"),
    [
        (81013, "every recipient"),
        (82001, "every recipient"),
        (60111, "does not know this member"),
        (46004, "does not know this member"),
        (48002, "not allowed"),
        (60011, "not allowed"),
        (301002, "not allowed"),
        (60020, "trusted IP list"),
        (40058, "refused it (errcode 40058)"),
    ],
)
def test_decide_permanent_failure_is_dead_with_reason(errcode: int, words: str) -> None:
    decision = decide(_send_error(errcode), 1, POLICY)
    assert isinstance(decision, Dead)
    assert words in decision.reason and decision.errcode == errcode
    assert "errmsg from WeCom" in decision.reason  # the raw answer is kept for the admin


def test_decide_invalid_message_is_dead() -> None:
    decision = decide(InvalidMessage("task_id may contain only letters"), 1, POLICY)
    assert isinstance(decision, Dead) and "breaks a WeCom rule" in decision.reason


def test_decide_last_attempt_is_dead() -> None:
    decision = decide(_send_error(-1), 5, POLICY)
    assert isinstance(decision, Dead)
    assert decision.reason.startswith("gave up after 5 attempts")


def test_decide_timeout_may_have_been_delivered() -> None:
    timeout = decide(WeComUnavailable("ReadTimeout", "message/send"), 1, POLICY)
    refused = decide(
        WeComUnavailable("ConnectError", "message/send", request_sent=False), 1, POLICY
    )
    server_error = decide(WeComUnavailable("HTTP 502", "x", status_code=502), 1, POLICY)
    assert isinstance(timeout, Retry) and timeout.maybe_delivered
    assert isinstance(refused, Retry) and not refused.maybe_delivered
    assert isinstance(server_error, Retry) and not server_error.maybe_delivered
