"""A candidate in a position's pipeline: HR's decisions, the next round, who reads the debrief.

HR decides after reading the debrief: advance (the next round is offered for scheduling),
reject, or offer. Any decision can be changed by a later one (a rejection made by mistake is
undone by advancing); the same closing decision twice is refused, so a double click records
one. Every decision is kept in order and audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from portal.errors import DomainError
from portal.scheduling.messages import N_
from portal.scheduling.states import Status


class Stage(StrEnum):
    ACTIVE = "active"  # interviewing: the next round is `next_round`
    REJECTED = "rejected"
    OFFERED = "offered"


class Decision(StrEnum):
    ADVANCE = "advance"
    REJECT = "reject"
    OFFER = "offer"


DECISION_LABELS = {
    Decision.ADVANCE: N_("Advance to the next round"),
    Decision.REJECT: N_("Reject"),
    Decision.OFFER: N_("Make an offer"),
}
DECIDED_LABELS = {
    Decision.ADVANCE: N_("Advanced"),
    Decision.REJECT: N_("Rejected"),
    Decision.OFFER: N_("Offer"),
}
STAGE_LABELS = {
    Stage.ACTIVE: N_("Interviewing"),
    Stage.REJECTED: N_("Rejected"),
    Stage.OFFERED: N_("Offer"),
}

ALREADY_DECIDED = N_("This decision is already recorded.")
NOTHING_TO_DECIDE = N_("This candidate has no interview for this position yet.")


class DecisionRefused(DomainError):
    status = 409


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a candidate stands for one position: the stage and the round to schedule next."""

    stage: Stage
    next_round: int


def decide(standing: Standing, decision: Decision, *, last_round: int) -> Standing:
    """The standing after `decision`, taken once round `last_round` has been held.

    Raises `DecisionRefused` for a repeat of the closing decision already in place.
    """
    if last_round < 1:
        raise DecisionRefused(NOTHING_TO_DECIDE)
    if decision is Decision.ADVANCE:
        return Standing(Stage.ACTIVE, max(standing.next_round, last_round + 1))
    stage = Stage.REJECTED if decision is Decision.REJECT else Stage.OFFERED
    if standing.stage is stage:
        raise DecisionRefused(ALREADY_DECIDED)
    return Standing(stage, standing.next_round)


def next_round_number(advanced_to: int, booked_rounds: Iterable[int]) -> int:
    """The round to offer when HR schedules this candidate again.

    One past the last round booked (not cancelled), or the round HR advanced them to,
    whichever is later: booking round 2 before deciding on round 1 still offers round 3.
    """
    return max([advanced_to, *(number + 1 for number in booked_rounds)], default=1)


def plan_round_at(round_ids: Sequence[int], number: int) -> int | None:
    """The id of the plan's `number`th round (1-based), if the plan is that long."""
    return round_ids[number - 1] if 1 <= number <= len(round_ids) else None


@dataclass(frozen=True, slots=True)
class DebriefReader:
    """Someone opening a candidate's debrief for one position.

    `owes` counts the pipeline's interviews (not cancelled, not no-show) where they are on the
    panel and have not submitted; `submitted` those where they have.
    """

    is_hr: bool
    submitted: int
    owes: int


def may_read_debrief(reader: DebriefReader) -> bool:
    """HR, and an interviewer who has submitted; nobody who still owes a scorecard there.

    It extends the scorecard rule (`scheduling.feedback`) across rounds: someone with a
    scorecard still open reads nobody else's judgement of this candidate, from any round; as
    there, sitting on the panel outweighs the HR role.
    """
    if reader.owes:
        return False
    return reader.is_hr or reader.submitted > 0


class PipelineState(StrEnum):
    """Where a candidate stands on the position's pipeline page, in the page's order."""

    READY = "ready"  # every scorecard of the last round is in: HR decides
    WAITING = "waiting"  # the last round is over, scorecards missing
    SCHEDULED = "scheduled"  # the last round is still to come (or under way)
    ADVANCED = "advanced"  # HR advanced them: the next round is to book
    OFFERED = "offered"
    REJECTED = "rejected"


class HeldRound(Protocol):
    """An interview of the candidate for the position (not cancelled), as the pipeline sees it."""

    @property
    def round(self) -> int: ...
    @property
    def status(self) -> Status: ...
    @property
    def ends_at(self) -> datetime: ...
    @property
    def submitted(self) -> int: ...
    @property
    def panel(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Where:
    state: PipelineState
    round: int  # the round the state is about (0 once closed)
    submitted: int = 0
    panel: int = 0


def where_they_stand(
    standing: Standing | None, rounds: Sequence[HeldRound], now: datetime
) -> Where:
    """The pipeline state from HR's last decision and the rounds booked, in round order."""
    if standing is not None and standing.stage is not Stage.ACTIVE:
        closed = (
            PipelineState.REJECTED if standing.stage is Stage.REJECTED else PipelineState.OFFERED
        )
        return Where(closed, 0)
    next_round = standing.next_round if standing else 1
    if not rounds:
        return Where(PipelineState.ADVANCED, next_round)
    last = rounds[-1]
    if next_round > last.round:
        return Where(PipelineState.ADVANCED, next_round)
    if last.status not in (Status.COMPLETED, Status.NO_SHOW) and now < last.ends_at:
        return Where(PipelineState.SCHEDULED, last.round)
    if last.status is not Status.NO_SHOW and last.submitted < last.panel:
        return Where(PipelineState.WAITING, last.round, last.submitted, last.panel)
    return Where(PipelineState.READY, last.round, last.submitted, last.panel)
