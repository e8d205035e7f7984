"""Interview plans: a position's rounds in order, each with its kit and interviewer pool."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.db.database import Database, Row
from portal.db.tables import people, plan_round_pool, plan_rounds
from portal.scheduling.kits import (
    FocusArea,
    Kit,
    Question,
    RoundFields,
    areas_from_json,
    areas_to_json,
    key_number,
    questions_from_json,
    questions_to_json,
)


@dataclass(frozen=True)
class PlanRound:
    id: int
    position_id: int
    sort_order: int
    name: str
    duration_minutes: int
    room_kind: str  # technical, non_technical, none
    room_paper_uid: str | None
    panel_size: int
    focus_areas: tuple[FocusArea, ...]
    questions: tuple[Question, ...]
    area_seq: int  # the highest focus-area number ever given (`kits.next_key`)
    removed_at: datetime | None
    updated_at: datetime
    auto_replace: bool = False  # a decliner is replaced from the pool at once

    @property
    def kit(self) -> Kit:
        return Kit(self.focus_areas, self.questions, self.room_paper_uid)


@dataclass(frozen=True)
class PoolMember:
    person_id: int
    name: str
    english_name: str | None
    active: bool


def _round(row: Row) -> PlanRound:
    return PlanRound(
        id=row["id"],
        position_id=row["position_id"],
        sort_order=row["sort_order"],
        name=row["name"],
        duration_minutes=row["duration_minutes"],
        room_kind=row["room_kind"],
        room_paper_uid=row["room_paper_uid"],
        panel_size=row["panel_size"],
        focus_areas=areas_from_json(row["focus_areas"]),
        questions=questions_from_json(row["questions"]),
        area_seq=row["area_seq"],
        removed_at=row["removed_at"],
        updated_at=row["updated_at"],
        auto_replace=bool(row["auto_replace"]),
    )


async def list_rounds(db: Database, position_id: int) -> list[PlanRound]:
    """The position's plan: its rounds in order (removed ones left out)."""
    query = (
        sa.select(plan_rounds)
        .where(plan_rounds.c.position_id == position_id, plan_rounds.c.removed_at.is_(None))
        .order_by(plan_rounds.c.sort_order, plan_rounds.c.id)
    )
    return [_round(row) for row in await db.fetch_all(query)]


async def get_round(db: Database, round_id: int) -> PlanRound | None:
    """One round, removed or not: interviews booked as it still read their kit."""
    row = await db.fetch_one(sa.select(plan_rounds).where(plan_rounds.c.id == round_id))
    return _round(row) if row else None


async def lock_plan(db: Database, position_id: int) -> None:
    """Serialise edits of one position's plan (PostgreSQL; SQLite has one writer anyway)."""
    if db.is_postgres:
        await db.fetch_all(
            sa.select(plan_rounds.c.id)
            .where(plan_rounds.c.position_id == position_id)
            .with_for_update()
        )


def _values(fields: RoundFields) -> dict[str, object]:
    return {
        "name": fields.name,
        "duration_minutes": fields.duration_minutes,
        "room_kind": fields.room_kind.value,
        "room_paper_uid": fields.room_paper_uid,
        "panel_size": fields.panel_size,
        "auto_replace": fields.auto_replace,
        "focus_areas": areas_to_json(fields.focus_areas),
        "questions": questions_to_json(fields.questions),
        # Never below the keys it holds, however the fields were built.
        "area_seq": max([fields.area_seq, *(key_number(a.key) for a in fields.focus_areas)]),
    }


async def insert_round(
    db: Database, position_id: int, fields: RoundFields, *, now: datetime
) -> int:
    """Add a round at the end of the plan, with its pool."""
    last = await db.fetch_val(
        sa.select(sa.func.max(plan_rounds.c.sort_order)).where(
            plan_rounds.c.position_id == position_id
        )
    )
    round_id = int(
        await db.execute(
            plan_rounds.insert().values(
                position_id=position_id,
                sort_order=int(last or 0) + 1,
                created_at=now,
                updated_at=now,
                **_values(fields),
            )
        )
    )
    await set_pool(db, round_id, fields.pool)
    return round_id


async def update_round(db: Database, round_id: int, fields: RoundFields, *, now: datetime) -> None:
    await db.execute(
        plan_rounds.update()
        .where(plan_rounds.c.id == round_id)
        .values(updated_at=now, **_values(fields))
    )
    await set_pool(db, round_id, fields.pool)


async def remove_round(db: Database, round_id: int, *, now: datetime) -> None:
    """Take a round off the plan; its row stays for the interviews booked as it."""
    await db.execute(
        plan_rounds.update()
        .where(plan_rounds.c.id == round_id)
        .values(removed_at=now, updated_at=now)
    )


async def reorder_rounds(
    db: Database, position_id: int, round_ids: Sequence[int], *, now: datetime
) -> None:
    """Number the plan's rounds 1.. in the order given (ids of other positions are ignored)."""
    for order, round_id in enumerate(round_ids, start=1):
        await db.execute(
            plan_rounds.update()
            .where(plan_rounds.c.id == round_id, plan_rounds.c.position_id == position_id)
            .values(sort_order=order, updated_at=now)
        )


async def set_pool(db: Database, round_id: int, person_ids: Sequence[int]) -> None:
    await db.execute(plan_round_pool.delete().where(plan_round_pool.c.round_id == round_id))
    if person_ids:
        await db.execute_many(
            plan_round_pool.insert(),
            [{"round_id": round_id, "person_id": person_id} for person_id in person_ids],
        )


async def round_pool(db: Database, round_id: int) -> list[PoolMember]:
    """The round's qualified interviewers, by name (people since deactivated included)."""
    query = (
        sa.select(people.c.id, people.c.name, people.c.english_name, people.c.active)
        .select_from(plan_round_pool.join(people, people.c.id == plan_round_pool.c.person_id))
        .where(plan_round_pool.c.round_id == round_id)
        .order_by(people.c.name, people.c.id)
    )
    return [
        PoolMember(row["id"], row["name"], row["english_name"], bool(row["active"]))
        for row in await db.fetch_all(query)
    ]
