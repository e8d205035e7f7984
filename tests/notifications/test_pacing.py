"""Per-member pacing at WeCom's real numbers (30 a minute, 1000 an hour), on a fake clock."""

from __future__ import annotations

import bisect
from datetime import datetime, timedelta

from portal.notifications.pacing import WECOM_LIMITS, Limits, earliest, plan
from tests.support.when import NOW

T0 = NOW  # where the fake clock starts


def _worst_window(times: list[datetime], seconds: float) -> int:
    """The most sends inside any sliding window of `seconds` (a send on the edge is outside)."""
    ordered = sorted(times)
    return max(
        (
            bisect.bisect_right(ordered, t)
            - bisect.bisect_right(ordered, t - timedelta(seconds=seconds))
            for t in ordered
        ),
        default=0,
    )


def test_pacing_uses_wecom_numbers() -> None:
    assert (WECOM_LIMITS.per_minute, WECOM_LIMITS.per_hour) == (30, 1000)


def test_plan_burst_to_one_member_sends_thirty_and_holds_the_rest() -> None:
    result = plan([(i, "zhangwei") for i in range(70)], {}, T0)
    assert result.go == list(range(30))
    assert min(result.held.values()) >= T0 + timedelta(seconds=60)
    assert sorted(set(result.held.values())) == [
        T0 + WECOM_LIMITS.minute,
        T0 + 2 * WECOM_LIMITS.minute,
    ]


def test_plan_other_members_are_not_held_back() -> None:
    candidates = [(i, "zhangwei") for i in range(40)] + [(100, "lina"), (101, "sunhao")]
    result = plan(candidates, {}, T0)
    assert result.go == [*range(30), 100, 101]  # lina and sunhao go with zhangwei's thirty
    assert sorted(result.held) == list(range(30, 40))


def test_plan_counts_earlier_sends_from_history() -> None:
    history = {"lina": [T0 - timedelta(seconds=s) for s in range(1, 30)]}  # 29 in the minute
    result = plan([(1, "lina"), (2, "lina")], history, T0)
    assert result.go == [1]
    assert result.held[2] == T0 - timedelta(seconds=29) + WECOM_LIMITS.minute


def test_earliest_honours_the_hour_window() -> None:
    # 1000 sends spread over the last 50 minutes: the minute window is free, the hour is not.
    history = [T0 - timedelta(seconds=3000) + timedelta(seconds=3 * i) for i in range(1000)]
    allowed = earliest(history, T0, WECOM_LIMITS)
    assert allowed == history[0] + WECOM_LIMITS.hour


def test_pacing_simulated_three_hours_never_exceeds_either_cap() -> None:
    """2500 messages for one member, claimed every 5 s of fake time, as the worker would."""
    limits = Limits()
    queue = list(range(2500))
    due = dict.fromkeys(queue, T0)
    sent: list[datetime] = []
    now = T0
    while queue and now < T0 + timedelta(hours=4):
        ready = [i for i in queue if due[i] <= now][:32]
        result = plan([(i, "zhangwei") for i in ready], {"zhangwei": sent}, now, limits)
        sent.extend(now for _ in result.go)
        due.update(result.held)
        queue = [i for i in queue if i not in set(result.go)]
        now += timedelta(seconds=5)
    assert not queue, "everything goes out eventually"
    assert _worst_window(sent, 60) <= 30
    assert _worst_window(sent, 3600) <= 1000
    # Close to the cap, not far below it: 2500 messages need a little over two hours.
    assert sent[-1] - T0 < timedelta(hours=2, minutes=35)
