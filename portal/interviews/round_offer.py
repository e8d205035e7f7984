"""Which round of the position's plan a new booking is, and the defaults it brings.

HR scheduling a candidate is offered the next round: one past the last round booked (not
cancelled) or the round HR advanced them to, and the plan's round at that number, with its
duration, room, panel size and pool. Past the end of the plan the booking is an extra round.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.db.database import Database
from portal.db.next_round import RoundHistory, round_history
from portal.db.plans import PlanRound, PoolMember, list_rounds, round_pool
from portal.scheduling.pipeline import next_round_number, plan_round_at

_FRESH = RoundHistory((), 1)


@dataclass(frozen=True)
class RoundOffer:
    number: int  # the round number to book
    plan_round: PlanRound | None  # the plan's round at that number, or the one HR chose
    plan: tuple[PlanRound, ...]  # the position's plan, in order (the form's choices)
    pool: tuple[PoolMember, ...]  # the round's qualified interviewers who are still active

    @property
    def exhausted(self) -> bool:
        """Every round of a non-empty plan is booked: this one is an extra round."""
        return bool(self.plan) and self.plan_round is None and self.number > len(self.plan)

    def number_of(self, plan_round: PlanRound) -> int:
        """A round's number: its place in the plan (1-based)."""
        return [r.id for r in self.plan].index(plan_round.id) + 1


async def offer(db: Database, candidate_id: int | None, position_id: int) -> RoundOffer:
    """The next round to book for the candidate (a new candidate: round 1 of the plan)."""
    plan = tuple(await list_rounds(db, position_id))
    number = await _next_number(db, candidate_id, position_id)
    round_id = plan_round_at([r.id for r in plan], number)
    plan_round = next((r for r in plan if r.id == round_id), None)
    return await _with_pool(number, plan_round, plan, db)


async def chosen(
    db: Database, candidate_id: int | None, position_id: int, plan_round_id: int | None
) -> RoundOffer:
    """HR picked a round of the plan (or none): its number is its place in the plan; a round
    of another position, or none, leaves the number to the candidate's history."""
    plan = tuple(await list_rounds(db, position_id))
    plan_round = next((r for r in plan if r.id == plan_round_id), None)
    if plan_round is not None:
        number = [r.id for r in plan].index(plan_round.id) + 1
    else:
        number = await _next_number(db, candidate_id, position_id)
    return await _with_pool(number, plan_round, plan, db)


async def round_of(db: Database, position_id: int, plan_round_id: int) -> PlanRound | None:
    """The position's active plan round with that id, else None."""
    return next((r for r in await list_rounds(db, position_id) if r.id == plan_round_id), None)


async def _next_number(db: Database, candidate_id: int | None, position_id: int) -> int:
    history = _FRESH if candidate_id is None else await round_history(db, candidate_id, position_id)
    return next_round_number(history.advanced_to, history.booked_rounds)


async def _with_pool(
    number: int, plan_round: PlanRound | None, plan: tuple[PlanRound, ...], db: Database
) -> RoundOffer:
    pool: tuple[PoolMember, ...] = ()
    if plan_round is not None:
        pool = tuple(m for m in await round_pool(db, plan_round.id) if m.active)
    return RoundOffer(number, plan_round, plan, pool)
