from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from portal.scheduling import candidate_rules as r
from portal.scheduling.candidate_rules import (
    Decision,
    can_cancel,
    can_check_in,
    can_confirm,
    can_join,
    join_opens_at,
)
from portal.scheduling.states import ActorKind, Status, allowed_targets
from tests.support.when import NOW, days_after

S = Status
STARTS = days_after(NOW, 7, time(10))  # a Tuesday a week after NOW, 10:00 in Shanghai
ENDS = STARTS + timedelta(hours=1)
M = timedelta(minutes=1)
OPEN = {"minutes": 15}


def test_join_opens_at_is_fifteen_minutes_before_start() -> None:
    assert join_opens_at(STARTS) == STARTS - 15 * M


@pytest.mark.parametrize(
    ("status", "now", "reason", "params"),
    [
        (S.SCHEDULED, STARTS - 16 * M, r.ROOM_NOT_OPEN, OPEN),
        (S.SCHEDULED, STARTS - 15 * M, None, {}),
        (S.CHECKED_IN, STARTS + 30 * M, None, {}),
        (S.CONFIRMED, ENDS, r.INTERVIEW_OVER, {}),
        (S.IN_PROGRESS, ENDS + 20 * M, None, {}),  # running late: the room stays open
        (S.COMPLETED, STARTS + 30 * M, r.INTERVIEW_OVER, {}),
        (S.NO_SHOW, STARTS + 30 * M, r.INTERVIEW_OVER, {}),
        (S.CANCELLED, STARTS, r.INTERVIEW_CANCELLED, {}),
    ],
)
def test_can_join_window_and_status_decide(
    status: Status, now: datetime, reason: str | None, params: dict[str, object]
) -> None:
    decision = can_join(now, status=status, starts_at=STARTS, ends_at=ENDS)
    assert decision == Decision(reason is None, reason, params)


@pytest.mark.parametrize(
    ("status", "now", "reason"),
    [
        (S.SCHEDULED, STARTS - 16 * M, r.CHECK_IN_NOT_OPEN),
        (S.SCHEDULED, STARTS - 15 * M, None),
        (S.CONFIRMED, ENDS - M, None),
        (S.CONFIRMED, ENDS, r.INTERVIEW_OVER),
        (S.CHECKED_IN, STARTS, r.ALREADY_CHECKED_IN),
        (S.IN_PROGRESS, STARTS, r.NOT_AVAILABLE),
        (S.CANCELLED, STARTS, r.INTERVIEW_CANCELLED),
        (S.COMPLETED, STARTS, r.INTERVIEW_OVER),
    ],
)
def test_can_check_in_window_and_status_decide(
    status: Status, now: datetime, reason: str | None
) -> None:
    decision = can_check_in(now, status=status, starts_at=STARTS, ends_at=ENDS)
    assert (decision.allowed, decision.reason) == (reason is None, reason)


GRID = [STARTS + k * 5 * M for k in range(-6, 16)]


@pytest.mark.parametrize("status", list(Status))
def test_can_check_in_agrees_with_state_machine(status: Status) -> None:
    for now in GRID:
        offered = S.CHECKED_IN in allowed_targets(status, ActorKind.CANDIDATE, now, STARTS, ENDS)
        assert bool(can_check_in(now, status=status, starts_at=STARTS, ends_at=ENDS)) is offered


@pytest.mark.parametrize("status", list(Status))
def test_can_confirm_agrees_with_state_machine(status: Status) -> None:
    for now in GRID:
        offered = S.CONFIRMED in allowed_targets(status, ActorKind.CANDIDATE, now, STARTS, ENDS)
        assert bool(can_confirm(now, status=status, ends_at=ENDS)) is offered


@pytest.mark.parametrize(
    ("status", "now", "reason"),
    [
        (S.SCHEDULED, STARTS - timedelta(hours=25), None),
        (S.CONFIRMED, STARTS - timedelta(hours=24), None),  # "until 24 hours before" includes it
        (S.CONFIRMED, STARTS - timedelta(hours=24) + M, r.TOO_LATE_TO_CANCEL),
        (S.CHECKED_IN, STARTS, r.TOO_LATE_TO_CANCEL),
        (S.IN_PROGRESS, STARTS - timedelta(days=2), r.NOT_AVAILABLE),
        (S.CANCELLED, STARTS - timedelta(days=2), r.INTERVIEW_CANCELLED),
        (S.NO_SHOW, STARTS + M, r.INTERVIEW_OVER),
    ],
)
def test_can_cancel_cutoff_and_status_decide(
    status: Status, now: datetime, reason: str | None
) -> None:
    decision = can_cancel(now, status=status, starts_at=STARTS, cutoff_hours=24)
    assert (decision.allowed, decision.reason) == (reason is None, reason)


def test_can_cancel_too_late_names_the_cutoff() -> None:
    decision = can_cancel(STARTS, status=S.SCHEDULED, starts_at=STARTS, cutoff_hours=6)
    assert decision.params == {"hours": 6}


def test_can_cancel_zero_cutoff_allows_until_start() -> None:
    assert can_cancel(STARTS, status=S.CONFIRMED, starts_at=STARTS, cutoff_hours=0)


@pytest.mark.parametrize(
    ("status", "now", "reason"),
    [
        (S.SCHEDULED, STARTS - timedelta(days=3), None),
        (S.SCHEDULED, ENDS - M, None),
        (S.SCHEDULED, ENDS, r.INTERVIEW_OVER),
        (S.CONFIRMED, STARTS - timedelta(days=3), r.ALREADY_CONFIRMED),
        (S.CHECKED_IN, STARTS, r.NOT_AVAILABLE),
        (S.CANCELLED, STARTS - timedelta(days=3), r.INTERVIEW_CANCELLED),
    ],
)
def test_can_confirm_status_and_time_decide(
    status: Status, now: datetime, reason: str | None
) -> None:
    decision = can_confirm(now, status=status, ends_at=ENDS)
    assert (decision.allowed, decision.reason) == (reason is None, reason)


def test_decision_truthiness_follows_allowed() -> None:
    assert Decision(True) and not Decision(False, r.INTERVIEW_OVER)
