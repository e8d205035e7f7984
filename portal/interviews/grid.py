"""HR's availability grid: a week of starts showing who is free, and the best times ranked.

The people asked about are the chosen panel (all required) and, when a plan round is chosen,
its pool's active members; a slot is bookable when a full panel is free. Load is each
person's interviews this week, counted from the bookings read for the caps. The rules are the
booking's own (`BookingPolicy`), so a slot shown free passes the booking's conflict check.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from portal.db.availability import availability_inputs
from portal.db.database import Database
from portal.db.interviewers import interviewer_profiles
from portal.db.plans import get_round, round_pool
from portal.interviews.checks import BookingPolicy
from portal.scheduling import UtcRange, utc_to_local, week_range
from portal.scheduling.availability import (
    GridCell,
    SlotOption,
    SlotQuery,
    free_slots,
    per_slot_people,
    reads_window,
)
from portal.scheduling.conflicts import Booking

BEST = 5
MAX_PANEL = 5


@dataclass(frozen=True)
class GridPerson:
    id: int
    name: str


@dataclass(frozen=True)
class GridRow:
    """One local start time across the week: a cell per day (None: no such start that day)."""

    at: time
    cells: tuple[GridCell | None, ...]


@dataclass(frozen=True)
class AvailabilityGrid:
    monday: date
    zone: str
    duration: timedelta
    panel_size: int
    people: tuple[GridPerson, ...]  # everyone asked about, required first
    rows: tuple[GridRow, ...]
    best: tuple[SlotOption, ...]
    load: dict[int, int]  # interviews this week

    def name(self, person_id: int) -> str:
        return next((p.name for p in self.people if p.id == person_id), "")


async def asked_people(
    db: Database, plan_round_id: int | None, person_ids: Sequence[int]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(required, pool): the chosen panel, and the round's active pool (none without a round)."""
    required = tuple(dict.fromkeys(person_ids))
    if plan_round_id is None:
        return required, ()
    pool = tuple(m.person_id for m in await round_pool(db, plan_round_id) if m.active)
    return required, pool


def week_load(bookings: Sequence[Booking], window: UtcRange) -> dict[int, int]:
    """Each person's bookings starting inside `window`."""
    starts = (b for b in bookings if window.start <= b.slot.starts_at < window.end)
    return dict(Counter(b.person_id for b in starts if b.person_id is not None))


def grid_rows(cells: Sequence[GridCell], monday: date, zone: str) -> tuple[GridRow, ...]:
    """The cells as local times × days, from the first to the last time anyone is free."""
    by_time: dict[time, list[GridCell | None]] = {}
    for cell in cells:
        local = utc_to_local(cell.slot.starts_at, zone)
        day = (local.date() - monday).days
        if 0 <= day < 7:
            by_time.setdefault(local.time(), [None] * 7)[day] = cell
    times = sorted(by_time)
    busy = [t for t in times if any(c is not None and c.free for c in by_time[t])]
    if not busy:
        return ()
    return tuple(GridRow(t, tuple(by_time[t])) for t in times if busy[0] <= t <= busy[-1])


async def availability_grid(
    db: Database,
    *,
    position_id: int,
    plan_round_id: int | None,
    person_ids: Sequence[int],
    panel_size: int,
    duration: timedelta,
    week_start: date,
    zone: str,
    now: datetime,
    policy: BookingPolicy,
) -> AvailabilityGrid:
    """The week of `week_start` in `zone`: who is free at each start, and the best `BEST`."""
    if plan_round_id is not None:
        plan_round = await get_round(db, plan_round_id)
        if plan_round is None or plan_round.position_id != position_id:
            plan_round_id = None
    required, pool = await asked_people(db, plan_round_id, person_ids)
    everyone = tuple(dict.fromkeys(required + pool))
    window = week_range(week_start, zone)
    profiles = {p.id: p for p in await interviewer_profiles(db, everyone) if p.active}
    people = tuple(GridPerson(i, profiles[i].display_name) for i in everyone if i in profiles)
    size = min(max(panel_size, len(required), 1), len(everyone), MAX_PANEL)
    if not people or len(required) > size:
        return AvailabilityGrid(week_start, zone, duration, size, people, (), (), {})
    query = SlotQuery(
        duration=duration,
        window=window,
        viewer_zone=zone,
        panel_size=size,
        required=required,
        pool=pool,
    )
    interviewers, bookings, blocks = await availability_inputs(
        db, everyone, reads_window(query), default_timezone=policy.default_timezone
    )
    load = week_load(bookings, window)
    cells = per_slot_people(
        query, now=now, interviewers=interviewers, bookings=bookings, blocks=blocks,
        rules=policy.rules,
    )  # fmt: skip
    best = free_slots(
        query, now=now, interviewers=interviewers, bookings=bookings, blocks=blocks,
        rules=policy.rules, load=load,
    )  # fmt: skip
    return AvailabilityGrid(
        week_start, zone, duration, size, people, grid_rows(cells, week_start, zone),
        tuple(best[:BEST]), load,
    )  # fmt: skip
