from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.scheduling.availability import (
    Reason,
    SlotOption,
    SlotQuery,
    Unavailable,
    free_slots,
    grid_starts,
    per_slot_people,
    reads_window,
)
from portal.scheduling.conflicts import Booking, Interviewer, Rules, WorkingHours, detect_conflicts
from portal.scheduling.slots import Slot
from portal.scheduling.states import Status
from portal.scheduling.timezones import UtcRange, day_range, local_to_utc, utc_to_local
from tests.support.when import NOW, local_day

SHANGHAI, NY, BERLIN = "Asia/Shanghai", "America/New_York", "Europe/Berlin"
M = timedelta(minutes=1)
TUE = local_day(NOW, 7)  # a Tuesday a week after NOW, in Shanghai
WED, FRI = TUE + timedelta(days=1), TUE + timedelta(days=3)
HOURS = WorkingHours(time(9), time(18))
OPEN = Rules(buffer=timedelta(0), daily_cap=None, weekly_cap=None, working_hours=HOURS)


def at(day: date, hhmm: str, tz: str = SHANGHAI) -> datetime:
    return local_to_utc(datetime.combine(day, time.fromisoformat(hhmm)), tz)


def slot(day: date, hhmm: str, minutes: int = 60, tz: str = SHANGHAI) -> Slot:
    return Slot.starting(at(day, hhmm, tz), minutes * M)


def booked(person: int, day: date, hhmm: str, minutes: int = 60, interview: int = 0) -> Booking:
    return Booking(person, interview or person * 1000 + len(hhmm), slot(day, hhmm, minutes))


def days(first: date, count: int = 1, tz: str = SHANGHAI) -> UtcRange:
    return UtcRange(day_range(first, tz).start, day_range(first + timedelta(count - 1), tz).end)


def query(
    window: UtcRange,
    *,
    minutes: int = 60,
    required: tuple[int, ...] = (1,),
    pool: tuple[int, ...] = (),
    panel: int | None = None,
    tz: str = SHANGHAI,
    notice: timedelta = timedelta(0),
) -> SlotQuery:
    size = len(required) if panel is None else panel
    return SlotQuery(minutes * M, window, tz, min_notice=notice, panel_size=size,
                     required=required, pool=pool)  # fmt: skip


def people(*ids: int, tz: str = SHANGHAI, **limits: int) -> list[Interviewer]:
    return [Interviewer(n, tz, **limits) for n in ids]  # type: ignore[arg-type]


def find(
    q: SlotQuery,
    who: list[Interviewer],
    bookings: tuple[Booking, ...] = (),
    *,
    rules: Rules = OPEN,
    blocks: tuple[Unavailable, ...] = (),
    load: dict[int, int] | None = None,
    now: datetime = NOW,
) -> list[SlotOption]:
    return free_slots(q, now=now, interviewers=who, bookings=bookings, blocks=blocks, rules=rules,
                      load=load or {})  # fmt: skip


def local_starts(options: list[SlotOption], tz: str = SHANGHAI) -> list[str]:
    moments = sorted(o.slot.starts_at for o in options)
    return [utc_to_local(m, tz).strftime("%a %H:%M") for m in moments]


def hhmm(options: list[SlotOption], tz: str = SHANGHAI) -> list[str]:
    return [s.split()[1] for s in local_starts(options, tz)]


def half_hours(first: str, last: str) -> list[str]:
    start = datetime.combine(TUE, time.fromisoformat(first))
    end = datetime.combine(TUE, time.fromisoformat(last))
    return [(start + n * 30 * M).strftime("%H:%M") for n in range((end - start) // (30 * M) + 1)]


def transition(tz: str, forward: bool) -> date:
    """The first local day after NOW on which `tz`'s clocks jump forward (or fall back)."""
    zone = ZoneInfo(tz)
    day = NOW.date()
    while True:
        day += timedelta(days=1)
        before = datetime.combine(day, time(0), tzinfo=zone).utcoffset()
        after = datetime.combine(day, time(12), tzinfo=zone).utcoffset()
        assert before is not None and after is not None
        if (after > before) if forward else (after < before):
            return day


# --- the grid: zones and DST ------------------------------------------------------------------


def test_free_slots_working_day_offers_every_half_hour_inside_hours() -> None:
    assert hhmm(find(query(days(TUE)), people(1))) == half_hours("09:00", "17:00")


def test_free_slots_interviewer_in_new_york_uses_their_hours_on_viewer_grid() -> None:
    options = find(query(days(TUE, 3)), people(1, tz=NY))
    new_york = [utc_to_local(o.slot.starts_at, NY) for o in options]
    assert new_york and all(time(9) <= m.time() <= time(17) for m in new_york)
    assert all(m.minute in (0, 30) for m in new_york)  # Shanghai's half hours are New York's
    shanghai = {utc_to_local(o.slot.starts_at, SHANGHAI).strftime("%H:%M") for o in options}
    assert "09:00" not in shanghai  # 09:00 in Shanghai is the evening in New York


def test_free_slots_viewer_zone_quarter_offset_aligns_to_local_half_hours() -> None:
    kathmandu = "Asia/Kathmandu"  # UTC+05:45
    q = query(days(TUE, tz=kathmandu), minutes=30, tz=kathmandu)
    starts = [utc_to_local(o.slot.starts_at, kathmandu) for o in find(q, people(1))]
    assert starts and {m.minute for m in starts} == {0, 30}


@pytest.mark.parametrize("tz", [NY, BERLIN])
def test_grid_starts_spring_forward_day_skips_the_gap(tz: str) -> None:
    day = transition(tz, forward=True)
    q = query(day_range(day, tz), minutes=30, tz=tz)
    local = [utc_to_local(m, tz) for m in grid_starts(q)]
    assert len(local) == 46  # 23 hours of half hours
    assert all(m.minute in (0, 30) for m in local)
    assert len({m.hour for m in local}) == 23


@pytest.mark.parametrize("tz", [NY, BERLIN])
def test_grid_starts_fall_back_day_offers_repeated_hour_once(tz: str) -> None:
    day = transition(tz, forward=False)
    starts = grid_starts(query(day_range(day, tz), minutes=30, tz=tz))
    assert len(starts) == 48 == len(set(starts))
    gaps = {b - a for a, b in zip(starts, starts[1:], strict=False)}
    assert gaps == {30 * M, 90 * M}  # the second run of the repeated hour is not offered


@pytest.mark.parametrize("tz", [NY, BERLIN])
def test_free_slots_across_dst_week_keeps_local_working_hours(tz: str) -> None:
    change = transition(tz, forward=True)
    window = UtcRange(
        day_range(change - timedelta(3), tz).start, day_range(change + timedelta(3), tz).end
    )
    options = find(query(window, tz=tz), people(1, tz=tz))
    firsts: dict[date, datetime] = {}
    for option in sorted(options, key=lambda o: o.slot.starts_at):
        firsts.setdefault(utc_to_local(option.slot.starts_at, tz).date(), option.slot.starts_at)
    assert all(utc_to_local(m, tz).time() == time(9) for m in firsts.values())
    before, after = firsts[min(firsts)], firsts[max(firsts)]
    assert min(firsts) < change < max(firsts)
    assert after.time() != before.time()  # 09:00 local moved by an hour in UTC


def test_grid_starts_shanghai_has_no_dst_every_day_same_utc_times() -> None:
    starts = grid_starts(query(days(TUE, 7), minutes=30))
    assert len(starts) == 7 * 48
    assert {m.time() for m in starts[:48]} == {m.time() for m in starts[-48:]}


# --- buffer, caps, notice, blocks -------------------------------------------------------------


def test_free_slots_buffer_keeps_distance_from_booking() -> None:
    bookings = (booked(1, TUE, "10:00"),)
    close = hhmm(find(query(days(TUE)), people(1), bookings))
    assert close[:3] == ["09:00", "11:00", "11:30"]
    buffered = hhmm(find(query(days(TUE)), people(1), bookings, rules=Rules(buffer=15 * M,
                    daily_cap=None, weekly_cap=None, working_hours=HOURS)))  # fmt: skip
    assert buffered[0] == "11:30" and "09:00" not in buffered


def test_free_slots_cancelled_or_edited_booking_does_not_block() -> None:
    gone = Booking(1, 7, slot(TUE, "10:00"), Status.CANCELLED)
    assert "10:00" in hhmm(find(query(days(TUE)), people(1), (gone,)))
    moving = Booking(1, 8, slot(TUE, "10:00"))
    options = free_slots(query(days(TUE)), now=NOW, interviewers=people(1), bookings=(moving,),
                         rules=OPEN, load={}, editing=8)  # fmt: skip
    assert "10:00" in hhmm(options)


def test_free_slots_daily_cap_closes_the_full_day_only() -> None:
    bookings = (booked(1, TUE, "09:00"), booked(1, TUE, "16:00"))
    options = find(query(days(TUE, 2)), people(1, daily_cap=2), bookings)
    assert {utc_to_local(o.slot.starts_at, SHANGHAI).date() for o in options} == {WED}


def test_free_slots_weekly_cap_closes_the_rest_of_the_week() -> None:
    monday = TUE - timedelta(days=1)
    bookings = tuple(booked(1, monday + timedelta(n), "09:00") for n in range(3))
    q = query(UtcRange(at(monday + timedelta(3), "00:00"), at(monday + timedelta(8), "00:00")))
    options = find(q, people(1, weekly_cap=3), bookings)
    assert {o.slot.starts_at.astimezone(ZoneInfo(SHANGHAI)).date() for o in options} == {
        monday + timedelta(7)
    }


def test_free_slots_min_notice_starts_after_now_plus_notice() -> None:
    today = local_day(NOW)  # NOW is 10:00 in Shanghai
    options = find(query(days(today), notice=2 * timedelta(hours=1)), people(1))
    assert hhmm(options)[0] == "12:00"
    assert hhmm(find(query(days(today)), people(1)))[0] == "10:00"


def test_free_slots_block_removes_afternoon_and_long_block_whole_days() -> None:
    afternoon = Unavailable(1, Slot(at(FRI, "13:00"), at(FRI, "18:00")))
    options = find(query(days(FRI)), people(1), blocks=(afternoon,))
    assert hhmm(options)[-1] == "12:00"
    away = Unavailable(1, UtcRange(at(TUE, "00:00"), at(FRI, "00:00")))
    week = find(query(days(TUE, 4)), people(1), blocks=(away, Unavailable(2, afternoon.slot)))
    assert {s.split()[0] for s in local_starts(week)} == {"Fri"}


# --- panels and pools -------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5])
def test_free_slots_panel_of_n_is_free_only_when_all_are(size: int) -> None:
    members = tuple(range(1, size + 1))
    # Person k is busy from (9 + 2k):00 for an hour.
    bookings = tuple(booked(k, TUE, f"{9 + 2 * (k - 1):02d}:00") for k in members)
    options = find(query(days(TUE), minutes=30, required=members), people(*members), bookings)
    busy = {f"{9 + 2 * (k - 1):02d}:{m}" for k in members for m in ("00", "30")}
    assert hhmm(options) == [t for t in half_hours("09:00", "17:30") if t not in busy]
    assert all(o.panel == members == o.free for o in options)


def test_free_slots_pool_two_of_five_suggests_least_loaded_free() -> None:
    load = {1: 5, 2: 0, 3: 3, 4: 1, 5: 2}
    bookings = (booked(2, TUE, "10:00"),)
    q = query(days(TUE), required=(), pool=(1, 2, 3, 4, 5), panel=2)
    by_start = {o.slot.starts_at: o for o in find(q, people(1, 2, 3, 4, 5), bookings, load=load)}
    assert by_start[at(TUE, "14:00")].panel == (2, 4)
    assert by_start[at(TUE, "10:00")].panel == (4, 5)
    assert by_start[at(TUE, "10:00")].free == (1, 3, 4, 5)


def test_free_slots_required_plus_pool_keeps_required_first() -> None:
    q = query(days(TUE), required=(3,), pool=(1, 2, 3), panel=2)
    options = find(q, people(1, 2, 3), load={1: 4, 2: 1, 3: 9})
    assert options and all(o.panel == (3, 2) for o in options)


def test_free_slots_pool_too_few_free_offers_nothing_then() -> None:
    bookings = (booked(1, TUE, "10:00"), booked(2, TUE, "10:00"))
    q = query(days(TUE), required=(), pool=(1, 2, 3), panel=2)
    starts = {o.slot.starts_at for o in find(q, people(1, 2, 3), bookings)}
    assert at(TUE, "10:00") not in starts and at(TUE, "12:00") in starts


def test_free_slots_unknown_pool_member_is_never_free() -> None:
    q = query(days(TUE), required=(), pool=(1, 99), panel=2)
    assert find(q, people(1)) == []


def test_slot_query_panel_larger_than_people_is_refused() -> None:
    with pytest.raises(ValueError):
        query(days(TUE), required=(1,), pool=(1, 2), panel=3)


# --- ranking ----------------------------------------------------------------------------------


def test_free_slots_rank_everyone_free_before_partial() -> None:
    bookings = (booked(1, TUE, "09:00", minutes=240),)
    q = query(days(TUE), required=(), pool=(1, 2), panel=1)
    options = find(q, people(1, 2), bookings, load={2: 9})
    assert Reason.EVERYONE_FREE in options[0].reasons
    assert options[0].score.not_free == 0
    assert [o.score.not_free for o in options] == sorted(o.score.not_free for o in options)


def test_free_slots_rank_least_loaded_before_earlier() -> None:
    thu = WED + timedelta(days=1)
    blocks = (
        Unavailable(1, UtcRange(at(TUE, "00:00"), at(WED, "00:00"))),
        Unavailable(2, UtcRange(at(WED, "00:00"), at(thu, "00:00"))),
    )
    q = query(days(TUE, 2), required=(), pool=(1, 2), panel=1)
    options = find(q, people(1, 2), blocks=blocks, load={1: 0, 2: 5})
    assert options[0].panel == (1,) and local_starts(options[:1]) == ["Wed 10:00"]


def test_free_slots_rank_preferred_hours_before_edges() -> None:
    options = find(query(days(TUE)), people(1))
    ranked = [utc_to_local(o.slot.starts_at, SHANGHAI).strftime("%H:%M") for o in options]
    assert ranked[0] == "10:00" and ranked[-1] == "17:00"
    assert Reason.PREFERRED_HOURS in options[0].reasons
    assert Reason.PREFERRED_HOURS not in options[-1].reasons


def test_free_slots_rank_ties_earliest_first() -> None:
    options = find(query(days(TUE, 2)), people(1))
    preferred = [o for o in options if Reason.PREFERRED_HOURS in o.reasons]
    assert [o.slot.starts_at for o in preferred] == sorted(o.slot.starts_at for o in preferred)


def test_per_slot_people_shows_who_is_free_each_start() -> None:
    bookings = (booked(1, TUE, "10:00"),)
    q = query(days(TUE), minutes=60, required=(), pool=(1, 2), panel=2)
    cells = per_slot_people(q, now=NOW, interviewers=people(1, 2), bookings=bookings, rules=OPEN)
    assert len(cells) == 47  # every half hour whose hour fits the day
    by_start = {c.slot.starts_at: c for c in cells}
    assert by_start[at(TUE, "10:00")].free == (2,) and not by_start[at(TUE, "10:00")].bookable
    assert by_start[at(TUE, "12:00")].free == (1, 2) and by_start[at(TUE, "12:00")].bookable
    assert by_start[at(TUE, "20:00")].free == ()


def test_reads_window_reaches_a_week_either_side() -> None:
    window = days(TUE)
    reach = reads_window(query(window))
    assert reach.start <= window.start - timedelta(days=7) and reach.end >= window.end + timedelta(
        days=7
    )


# --- the property: free means detect_conflicts has nothing to say -----------------------------


def _random_case(rng: random.Random) -> tuple[SlotQuery, list[Interviewer], list[Booking], Rules]:
    zones = [SHANGHAI, NY, BERLIN]
    count = rng.randint(1, 5)
    who = []
    for n in range(1, count + 1):
        start = rng.choice([7, 8, 9, 10])
        hours = WorkingHours(
            time(start), time(start + rng.choice([4, 8, 9])), frozenset(rng.sample(range(7), 5))
        )
        who.append(Interviewer(n, rng.choice(zones), rng.choice([None, hours]),
                               rng.choice([None, 1, 2, 3]), rng.choice([None, 3, 6])))  # fmt: skip
    base = datetime.combine(TUE, time(0), tzinfo=UTC)
    statuses = [Status.SCHEDULED, Status.CONFIRMED, Status.CANCELLED]
    bookings = []
    for k in range(rng.randint(0, 40)):
        begins = base + rng.randrange(-8 * 96, 16 * 96) * 15 * M
        span = Slot.starting(begins, rng.choice([30, 45, 60, 90]) * M)
        bookings.append(Booking(rng.randint(1, count), 500 + k, span, rng.choice(statuses)))
    buffer = rng.choice([0, 10, 15, 30]) * M
    rules = Rules(
        buffer, rng.choice([None, 2, 4]), rng.choice([None, 5, 12]), rng.choice([None, HOURS])
    )
    required = tuple(rng.sample(range(1, count + 1), rng.randint(0, count)))
    q = SlotQuery(
        rng.choice([30, 45, 60]) * M,
        UtcRange(base, base + timedelta(days=7)),
        rng.choice(zones),
        step=rng.choice([15, 30]) * M,
        min_notice=rng.choice([0, 120]) * M,
        panel_size=rng.randint(max(1, len(required)), count),
        required=required,
        pool=tuple(range(1, count + 1)),
    )
    return q, who, bookings, rules


@pytest.mark.parametrize("seed", range(40))
def test_free_slots_every_suggested_panel_passes_detect_conflicts(seed: int) -> None:
    q, who, bookings, rules = _random_case(random.Random(seed))
    by_id = {i.person_id: i for i in who}
    options = free_slots(q, now=NOW, interviewers=who, bookings=bookings, rules=rules, load={})
    for option in options:
        panel = [by_id[p] for p in option.panel]
        found = detect_conflicts(option.slot, now=NOW, interviewers=panel,
                                 interviewer_bookings=bookings, rules=rules)  # fmt: skip
        assert found == [], (option.slot, found)
        assert len(option.panel) == q.panel_size and set(q.required) <= set(option.panel)


@pytest.mark.parametrize("seed", range(40, 60))
def test_per_slot_people_free_exactly_when_detect_conflicts_is_silent(seed: int) -> None:
    q, who, bookings, rules = _random_case(random.Random(seed))
    cells = per_slot_people(q, now=NOW, interviewers=who, bookings=bookings, rules=rules)
    earliest = NOW + q.min_notice
    for cell in cells:
        if cell.slot.starts_at < earliest:
            assert cell.free == ()
            continue
        for person in who:
            silent = not detect_conflicts(cell.slot, now=NOW, interviewers=[person],
                                          interviewer_bookings=bookings, rules=rules)  # fmt: skip
            assert (person.person_id in cell.free) == silent, (cell.slot, person)
