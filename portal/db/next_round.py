"""What the next booking of a candidate for a position starts from: the rounds booked so far
and the round HR advanced them to."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import applications, interviews
from portal.scheduling import Status


@dataclass(frozen=True)
class RoundHistory:
    booked_rounds: tuple[int, ...]  # round numbers of the interviews not cancelled
    advanced_to: int  # the application's next round; 1 before any decision


async def round_history(db: Database, candidate_id: int, position_id: int) -> RoundHistory:
    booked = await db.fetch_all(
        sa.select(interviews.c.round)
        .where(
            interviews.c.candidate_id == candidate_id,
            interviews.c.position_id == position_id,
            interviews.c.status != Status.CANCELLED.value,
        )
        .distinct()
        .order_by(interviews.c.round)
    )
    advanced_to = await db.fetch_val(
        sa.select(applications.c.next_round).where(
            applications.c.candidate_id == candidate_id,
            applications.c.position_id == position_id,
        )
    )
    return RoundHistory(tuple(int(row["round"]) for row in booked), int(advanced_to or 1))
