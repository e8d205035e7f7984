"""Free time: which starts on a grid a panel (or enough of a pool) can all take.

A person is free for a slot when the conflict rules would accept it with nothing to say: inside
their working hours and days in their own zone, under their daily and weekly caps counting the
bookings passed in, not within the buffer of a booking, and not in a block they set themselves
(`Unavailable`). So a slot this module calls free passes `detect_conflicts` with no conflict
for the suggested panel, and the candidate's own bookings (if given) are kept clear too.

Starts step from local midnight in the viewer's zone (09:00, 09:30 there). A local time that a
spring-forward gap skips is no start; in a fall-back fold the repeated hour is offered once, at
its first occurrence, as `local_to_utc` reads every typed time.

Ranking, best first (`Score`): fewer of the people asked about not free (0: everyone free),
then the least total load of the suggested panel (`load`, e.g. interviews this week), then
inside every panelist's preferred hours, then earliest. Preferred hours are the working hours
without their first and last hour (`PREFERRED_MARGIN`); hours shorter than three hours are all
preferred, and so is any time for someone without working hours.

The caller reads bookings over `reads_window(query)`, so the caps see every booking of each
local day and week the grid touches.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import NamedTuple

from portal.scheduling.conflicts import Booking, Interviewer, Rules, WorkingHours
from portal.scheduling.slots import Slot
from portal.scheduling.timezones import (
    NonexistentLocalTime,
    UtcRange,
    local_date,
    local_to_utc,
    week_start,
    zone,
)

DEFAULT_STEP = timedelta(minutes=30)
PREFERRED_MARGIN = timedelta(hours=1)
# A local week is at most 7 days and 26 hours of offset change: the caps' reach either side.
CAP_REACH = timedelta(days=8)


class Reason(StrEnum):
    """Why a slot ranks well; the web layer labels them."""

    EVERYONE_FREE = "everyone_free"
    PREFERRED_HOURS = "preferred_hours"


@dataclass(frozen=True, slots=True)
class Unavailable:
    """A one-off block an interviewer set ("away Friday afternoon").

    `slot` may be a `Slot` or, for blocks longer than a slot may last, a `UtcRange`.
    """

    person_id: int
    slot: Slot | UtcRange

    @property
    def span(self) -> tuple[datetime, datetime]:
        if isinstance(self.slot, Slot):
            return self.slot.starts_at, self.slot.ends_at
        return self.slot.start, self.slot.end


@dataclass(frozen=True, slots=True)
class SlotQuery:
    """What to look for: `panel_size` people, all of `required` plus the rest from `pool`."""

    duration: timedelta
    window: UtcRange
    viewer_zone: str
    step: timedelta = DEFAULT_STEP
    min_notice: timedelta = timedelta(0)
    panel_size: int = 1
    required: tuple[int, ...] = ()
    pool: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        zone(self.viewer_zone)
        Slot.starting(self.window.start, self.duration)  # the duration's own limits
        if self.step <= timedelta(0) or self.min_notice < timedelta(0):
            raise ValueError("step must be positive and notice not negative")
        if len(set(self.required)) != len(self.required):
            raise ValueError("required people repeat")
        if not len(self.required) <= self.panel_size <= len(self.people):
            raise ValueError("panel size must fit between the required people and the pool")

    @property
    def extra(self) -> tuple[int, ...]:
        """The pool members who are not required, in pool order."""
        taken = set(self.required)
        return tuple(dict.fromkeys(p for p in self.pool if p not in taken))

    @property
    def people(self) -> tuple[int, ...]:
        """Everyone asked about: the required people, then the rest of the pool."""
        return self.required + self.extra


class Score(NamedTuple):
    """The sort key: lower is better."""

    not_free: int
    load: int
    outside_preferred: int
    starts_at: datetime


@dataclass(frozen=True, slots=True)
class SlotOption:
    slot: Slot
    free: tuple[int, ...]  # everyone free then, among the required people and the pool
    panel: tuple[int, ...]  # the suggestion: the required people, then the least loaded
    score: Score
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class GridCell:
    """One start of a grid: who is free, and whether a panel can be made of them."""

    slot: Slot
    free: tuple[int, ...]
    bookable: bool


def reads_window(query: SlotQuery) -> UtcRange:
    """The range to read bookings over so the caps count whole local days and weeks."""
    return UtcRange(query.window.start - CAP_REACH, query.window.end + CAP_REACH)


def free_slots(
    query: SlotQuery,
    *,
    now: datetime,
    interviewers: Sequence[Interviewer],
    bookings: Iterable[Booking],
    blocks: Iterable[Unavailable] = (),
    rules: Rules,
    load: Mapping[int, int],
    candidate_bookings: Iterable[Booking] = (),
    editing: int | None = None,
) -> list[SlotOption]:
    """Every bookable start of `query`, best first (see the module docstring)."""
    engine = _Engine(query, interviewers, bookings, blocks, candidate_bookings, rules, editing)
    options = [
        _option(query, slot, free, engine, load)
        for slot, free in engine.cells(now)
        if _bookable(query, free)
    ]
    return sorted(options, key=lambda option: option.score)


def per_slot_people(
    query: SlotQuery,
    *,
    now: datetime,
    interviewers: Sequence[Interviewer],
    bookings: Iterable[Booking],
    blocks: Iterable[Unavailable] = (),
    rules: Rules,
    candidate_bookings: Iterable[Booking] = (),
    editing: int | None = None,
) -> list[GridCell]:
    """Every start of `query`'s grid in time order, with who is free (none before the notice)."""
    engine = _Engine(query, interviewers, bookings, blocks, candidate_bookings, rules, editing)
    return [GridCell(slot, free, _bookable(query, free)) for slot, free in engine.cells(now)]


def grid_starts(query: SlotQuery) -> list[datetime]:
    """The starts on the step grid, aligned in the viewer's zone, whose slot fits the window."""
    window, tz = query.window, query.viewer_zone
    starts: dict[datetime, None] = {}
    day = local_date(window.start, tz)
    last = local_date(window.end, tz)
    while day <= last:
        for local in _day_steps(day, query.step):
            try:
                moment = local_to_utc(local, tz)
            except NonexistentLocalTime:
                continue
            if window.start <= moment and moment + query.duration <= window.end:
                starts[moment] = None
        day += timedelta(days=1)
    return sorted(starts)


def preferred(slot: Slot, hours: WorkingHours | None, tz: str) -> bool:
    """Inside the core of `hours` (without the first and last `PREFERRED_MARGIN`)."""
    return _in_core(slot, _core(hours), zone(tz))


def _core(hours: WorkingHours | None) -> tuple[time, time] | None:
    if hours is None:
        return None
    day = date(2000, 1, 1)
    start, end = datetime.combine(day, hours.start), datetime.combine(day, hours.end)
    if end - start >= 3 * PREFERRED_MARGIN:
        start, end = start + PREFERRED_MARGIN, end - PREFERRED_MARGIN
    return start.time(), end.time()


def _in_core(slot: Slot, core: tuple[time, time] | None, tz: tzinfo) -> bool:
    if core is None:
        return True
    begins, ends = slot.starts_at.astimezone(tz), slot.ends_at.astimezone(tz)
    return core[0] <= begins.time() and ends.time() <= core[1] and begins.date() == ends.date()


def _day_steps(day: date, step: timedelta) -> Iterable[datetime]:
    moment, following = (
        datetime.combine(day, time(0)),
        datetime.combine(day + timedelta(1), time(0)),
    )
    while moment < following:
        yield moment
        moment += step


def _bookable(query: SlotQuery, free: tuple[int, ...]) -> bool:
    chosen = set(free)
    if not chosen.issuperset(query.required):
        return False
    return len(chosen) >= query.panel_size


def _option(
    query: SlotQuery, slot: Slot, free: tuple[int, ...], engine: _Engine, load: Mapping[int, int]
) -> SlotOption:
    position = {person: n for n, person in enumerate(query.people)}
    liked = {p: engine.preferred(p, slot) for p in free}
    extras = [p for p in free if p not in query.required]
    extras.sort(key=lambda p: (load.get(p, 0), not liked[p], position[p]))
    panel = query.required + tuple(extras[: query.panel_size - len(query.required)])
    all_preferred = all(liked[p] for p in panel)
    score = Score(
        not_free=len(query.people) - len(free),
        load=sum(load.get(p, 0) for p in panel),
        outside_preferred=0 if all_preferred else 1,
        starts_at=slot.starts_at,
    )
    reasons = []
    if score.not_free == 0:
        reasons.append(Reason.EVERYONE_FREE)
    if all_preferred:
        reasons.append(Reason.PREFERRED_HOURS)
    return SlotOption(slot, free, panel, score, tuple(reasons))


class _Busy:
    """Time ranges sorted by start, with the running latest end, for one bisect per question."""

    def __init__(self, spans: Iterable[tuple[datetime, datetime]]) -> None:
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.latest_end: list[datetime] = []
        for _, end in ordered:
            self.latest_end.append(max(end, self.latest_end[-1]) if self.latest_end else end)

    def clashes(self, start: datetime, end: datetime, buffer: timedelta) -> bool:
        # Overlap with the buffer: a range starting before end + buffer ending after
        # start - buffer. Among those starting early enough, the latest end decides.
        before = bisect_left(self.starts, end + buffer)
        return before > 0 and self.latest_end[before - 1] > start - buffer


class _Person:
    def __init__(
        self, person: Interviewer, bookings: list[Booking], blocks: list[Unavailable], rules: Rules
    ) -> None:
        self.person, self.rules = person, rules
        self.zone = zone(person.timezone)
        self.hours = rules.working_hours if person.working_hours is None else person.working_hours
        self.daily = rules.daily_cap if person.daily_cap is None else person.daily_cap
        self.weekly = rules.weekly_cap if person.weekly_cap is None else person.weekly_cap
        self.core = _core(self.hours)
        self.booked = _Busy((b.slot.starts_at, b.slot.ends_at) for b in bookings)
        self.blocked = _Busy(block.span for block in blocks)
        days = [local_date(b.slot.starts_at, person.timezone) for b in bookings]
        self.per_day = Counter(days)
        self.per_week = Counter(week_start(day) for day in days)

    def free(self, slot: Slot) -> bool:
        start, end = slot.starts_at, slot.ends_at
        begins, ends = start.astimezone(self.zone), end.astimezone(self.zone)
        if not self._within_hours(begins, ends) or not self._under_caps(begins.date()):
            return False
        if self.booked.clashes(start, end, self.rules.buffer):
            return False
        return not self.blocked.clashes(start, end, timedelta(0))

    def preferred(self, slot: Slot) -> bool:
        return _in_core(slot, self.core, self.zone)

    def _within_hours(self, begins: datetime, ends: datetime) -> bool:
        # The same test as the conflict rules' working hours (conflicts._working_hours).
        if self.hours is None:
            return True
        return (
            begins.weekday() in self.hours.weekdays
            and ends.date() == begins.date()
            and self.hours.start <= begins.time()
            and ends.time() <= self.hours.end
        )

    def _under_caps(self, day: date) -> bool:
        if self.daily is not None and self.per_day[day] + 1 > self.daily:
            return False
        return self.weekly is None or self.per_week[week_start(day)] + 1 <= self.weekly


class _Engine:
    def __init__(
        self,
        query: SlotQuery,
        interviewers: Sequence[Interviewer],
        bookings: Iterable[Booking],
        blocks: Iterable[Unavailable],
        candidate_bookings: Iterable[Booking],
        rules: Rules,
        editing: int | None,
    ) -> None:
        self.query, self.rules = query, rules
        asked = set(query.people)
        theirs: dict[int, list[Booking]] = {p: [] for p in asked}
        for booking in bookings:
            if booking.person_id in asked and booking.occupies(editing):
                theirs[booking.person_id].append(booking)
        away: dict[int, list[Unavailable]] = {p: [] for p in asked}
        for block in blocks:
            if block.person_id in asked:
                away[block.person_id].append(block)
        # People asked about but not given (inactive, unknown) are never free.
        self.people = {
            i.person_id: _Person(i, theirs[i.person_id], away[i.person_id], rules)
            for i in interviewers
            if i.person_id in asked
        }
        self.candidate = _Busy(
            (b.slot.starts_at, b.slot.ends_at) for b in candidate_bookings if b.occupies(editing)
        )

    def cells(self, now: datetime) -> Iterable[tuple[Slot, tuple[int, ...]]]:
        earliest = now + self.query.min_notice
        for start in grid_starts(self.query):
            slot = Slot.starting(start, self.query.duration)
            if start < earliest or self.candidate.clashes(
                slot.starts_at, slot.ends_at, self.rules.buffer
            ):
                yield slot, ()
                continue
            yield (
                slot,
                tuple(
                    p for p in self.query.people if p in self.people and self.people[p].free(slot)
                ),
            )

    def preferred(self, person_id: int, slot: Slot) -> bool:
        return self.people[person_id].preferred(slot)
