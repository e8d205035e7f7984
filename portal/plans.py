"""Interview plans: HR adds, edits, reorders and removes a position's rounds, audited."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from portal.db import audit, plans
from portal.db.database import Database
from portal.db.people import list_people
from portal.db.plans import PlanRound
from portal.db.positions import get_position
from portal.errors import NotFound
from portal.scheduling import Actor, ValidationFailed
from portal.scheduling.kits import RoundFields
from portal.scheduling.messages import N_

POOL_NOT_ACTIVE = N_("Choose interviewers who are active in the directory.")
TARGET = "plan_round"

Direction = Literal["up", "down"]


async def plan_round(db: Database, position_id: int, round_id: int) -> PlanRound:
    """A round still on the position's plan, or NotFound (another position's id too)."""
    found = await plans.get_round(db, round_id)
    if found is None or found.position_id != position_id or found.removed_at is not None:
        raise NotFound()
    return found


async def _check_pool(db: Database, person_ids: tuple[int, ...]) -> None:
    active = {p.id for p in await list_people(db, ids=person_ids) if p.active}
    if any(person_id not in active for person_id in person_ids):
        raise ValidationFailed({"pool_ids": POOL_NOT_ACTIVE}, {})


async def save_round(
    db: Database,
    position_id: int,
    round_id: int | None,
    fields: RoundFields,
    *,
    actor: Actor,
    now: datetime,
) -> int:
    """Add a round at the end of the plan (`round_id` None) or change one; returns its id."""
    async with db.transaction():
        if await get_position(db, position_id) is None:
            raise NotFound()
        await plans.lock_plan(db, position_id)
        if round_id is not None:
            await plan_round(db, position_id, round_id)
        await _check_pool(db, fields.pool)
        if round_id is None:
            round_id = await plans.insert_round(db, position_id, fields, now=now)
            action = "plan.round_added"
        else:
            await plans.update_round(db, round_id, fields, now=now)
            action = "plan.round_changed"
        await audit.record(
            db,
            action,
            actor=actor,
            at=now,
            target_kind=TARGET,
            target_id=round_id,
            detail={"position_id": position_id, "name": fields.name},
        )
    return round_id


async def remove_round(
    db: Database, position_id: int, round_id: int, *, actor: Actor, now: datetime
) -> None:
    """Take a round off the plan; interviews already booked as it keep their kit."""
    async with db.transaction():
        await plans.lock_plan(db, position_id)
        removed = await plan_round(db, position_id, round_id)
        await plans.remove_round(db, round_id, now=now)
        await audit.record(
            db,
            "plan.round_removed",
            actor=actor,
            at=now,
            target_kind=TARGET,
            target_id=round_id,
            detail={"position_id": position_id, "name": removed.name},
        )


async def move_round(
    db: Database,
    position_id: int,
    round_id: int,
    direction: Direction,
    *,
    actor: Actor,
    now: datetime,
) -> None:
    """Swap a round with its neighbour; at either end of the plan nothing changes."""
    async with db.transaction():
        await plans.lock_plan(db, position_id)
        await plan_round(db, position_id, round_id)
        order = [r.id for r in await plans.list_rounds(db, position_id)]
        index = order.index(round_id)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(order):
            return
        order[index], order[other] = order[other], order[index]
        await plans.reorder_rounds(db, position_id, order, now=now)
        await audit.record(
            db,
            "plan.reordered",
            actor=actor,
            at=now,
            target_kind="position",
            target_id=position_id,
            detail={"order": order},
        )
