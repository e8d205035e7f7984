"""HR's decisions, the next round to offer and who reads a debrief (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from portal.scheduling import Status
from portal.scheduling.pipeline import (
    ALREADY_DECIDED,
    DebriefReader,
    Decision,
    DecisionRefused,
    PipelineState,
    Stage,
    Standing,
    Where,
    decide,
    may_read_debrief,
    next_round_number,
    plan_round_at,
    where_they_stand,
)
from tests.support.when import NOW

FRESH = Standing(Stage.ACTIVE, 1)


def test_advance_moves_past_the_last_round_held() -> None:
    assert decide(FRESH, Decision.ADVANCE, last_round=1) == Standing(Stage.ACTIVE, 2)
    # Advancing again after round 2 was booked ahead never goes backwards.
    assert decide(Standing(Stage.ACTIVE, 4), Decision.ADVANCE, last_round=2).next_round == 4


def test_reject_and_offer_close_and_a_later_advance_reopens() -> None:
    rejected = decide(FRESH, Decision.REJECT, last_round=1)
    assert rejected == Standing(Stage.REJECTED, 1)
    assert decide(rejected, Decision.ADVANCE, last_round=1) == Standing(Stage.ACTIVE, 2)
    assert decide(rejected, Decision.OFFER, last_round=1).stage is Stage.OFFERED


@pytest.mark.parametrize("decision", [Decision.REJECT, Decision.OFFER])
def test_the_same_closing_decision_twice_is_refused(decision: Decision) -> None:
    closed = decide(FRESH, decision, last_round=2)
    with pytest.raises(DecisionRefused) as caught:
        decide(closed, decision, last_round=2)
    assert caught.value.message == ALREADY_DECIDED and caught.value.status == 409


def test_nothing_to_decide_without_a_round() -> None:
    with pytest.raises(DecisionRefused):
        decide(FRESH, Decision.ADVANCE, last_round=0)


@pytest.mark.parametrize(
    ("advanced_to", "booked", "expected"),
    [(1, [], 1), (1, [1], 2), (1, [1, 2], 3), (3, [1], 3), (2, [1, 4], 5)],
)
def test_next_round_number(advanced_to: int, booked: list[int], expected: int) -> None:
    assert next_round_number(advanced_to, booked) == expected


def test_plan_round_at_is_one_based_and_bounded() -> None:
    assert [plan_round_at([7, 8], n) for n in (0, 1, 2, 3)] == [None, 7, 8, None]


@pytest.mark.parametrize(
    ("reader", "allowed"),
    [
        (DebriefReader(is_hr=True, submitted=0, owes=0), True),
        (DebriefReader(is_hr=True, submitted=0, owes=1), False),  # HR on the panel, card open
        (DebriefReader(is_hr=False, submitted=1, owes=0), True),
        (DebriefReader(is_hr=False, submitted=2, owes=1), False),
        (DebriefReader(is_hr=False, submitted=0, owes=0), False),
    ],
)
def test_who_reads_the_debrief(reader: DebriefReader, allowed: bool) -> None:
    assert may_read_debrief(reader) is allowed


@dataclass(frozen=True)
class Held:
    round: int
    status: Status
    ends_at: datetime
    submitted: int = 0
    panel: int = 2


LATER = NOW  # the rounds' end
BEFORE, AFTER = LATER - timedelta(hours=1), LATER + timedelta(hours=1)


@pytest.mark.parametrize(
    ("standing", "rounds", "now", "expected"),
    [
        (None, [], AFTER, Where(PipelineState.ADVANCED, 1)),
        (None, [Held(1, Status.SCHEDULED, LATER)], BEFORE, Where(PipelineState.SCHEDULED, 1)),
        # Over by the clock though nobody marked it: its scorecards are awaited.
        (None, [Held(1, Status.SCHEDULED, LATER)], AFTER, Where(PipelineState.WAITING, 1, 0, 2)),
        (
            None,
            [Held(1, Status.COMPLETED, LATER, 2)],
            BEFORE,
            Where(PipelineState.READY, 1, 2, 2),
        ),
        (None, [Held(1, Status.NO_SHOW, LATER)], AFTER, Where(PipelineState.READY, 1, 0, 2)),
        (
            Standing(Stage.ACTIVE, 2),
            [Held(1, Status.COMPLETED, LATER, 2)],
            AFTER,
            Where(PipelineState.ADVANCED, 2),
        ),
        (
            Standing(Stage.REJECTED, 1),
            [Held(1, Status.COMPLETED, LATER)],
            AFTER,
            Where(PipelineState.REJECTED, 0),
        ),
        (Standing(Stage.OFFERED, 3), [], AFTER, Where(PipelineState.OFFERED, 0)),
    ],
)
def test_where_they_stand(
    standing: Standing | None, rounds: list[Held], now: datetime, expected: Where
) -> None:
    assert where_they_stand(standing, rounds, now) == expected
