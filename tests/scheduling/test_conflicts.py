from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from portal.scheduling import conflicts as c
from portal.scheduling.conflicts import (
    Booking,
    BookingConflict,
    Conflict,
    ConflictKind,
    Interviewer,
    Rules,
    WorkingHours,
    blocking,
    detect_conflicts,
    raise_if_blocking,
)
from portal.scheduling.slots import Slot
from portal.scheduling.states import Status
from portal.scheduling.timezones import local_to_utc
from tests.support.when import NOW, local_day

SHANGHAI, NY = "Asia/Shanghai", "America/New_York"
# The Tuesday a week after NOW (itself a Tuesday) and the days around it, as calendar days.
# Weeks start on Monday, so SUN closes the week before TUE's.
TUE = local_day(NOW, 7)
SUN, MON, SAT, NEXT_SUN = (TUE + timedelta(days=n) for n in (-2, -1, 4, 5))
M = timedelta(minutes=1)
LI = Interviewer(1, SHANGHAI)
ONLY_OVERLAPS = Rules(daily_cap=None, weekly_cap=None, working_hours=None)
NO_HOURS = Rules(working_hours=None)


def local_slot(tz: str, day: date, hhmm: str, minutes: int = 60) -> Slot:
    start = local_to_utc(datetime.combine(day, time.fromisoformat(hhmm)), tz)
    return Slot.starting(start, minutes * M)


PROPOSED = local_slot(SHANGHAI, TUE, "10:00")  # a Tuesday


def booking(
    slot: Slot,
    interview_id: int = 100,
    person_id: int | None = 1,
    status: Status = Status.SCHEDULED,
    active: bool = True,
) -> Booking:
    return Booking(person_id, interview_id, slot, status, active)


def around(start_offset: int, minutes: int = 60) -> Slot:
    return Slot.starting(PROPOSED.starts_at + start_offset * M, minutes * M)


def detect(
    *bookings: Booking,
    rules: Rules = ONLY_OVERLAPS,
    candidate_bookings: tuple[Booking, ...] | list[Booking] = (),
    editing: int | None = None,
    override: bool = False,
) -> list[Conflict]:
    return detect_conflicts(
        PROPOSED,
        now=NOW,
        interviewers=[LI],
        interviewer_bookings=bookings,
        candidate_bookings=candidate_bookings,
        rules=rules,
        editing=editing,
        override=override,
    )


def test_detect_conflicts_free_interviewer_returns_nothing() -> None:
    assert detect() == []


@pytest.mark.parametrize(
    ("other", "message"),
    [
        (around(0), c.INTERVIEWER_BUSY),
        (around(59, 30), c.INTERVIEWER_BUSY),
        (around(-30), c.INTERVIEWER_BUSY),
        (around(60), c.INTERVIEWER_TOO_CLOSE),  # touching: inside the 15-minute buffer
        (around(74), c.INTERVIEWER_TOO_CLOSE),
        (around(-74), c.INTERVIEWER_TOO_CLOSE),
        (around(75), None),  # exactly the buffer apart
        (around(-75), None),
    ],
)
def test_detect_conflicts_interviewer_overlap_edges(other: Slot, message: str | None) -> None:
    found = detect(booking(other))
    if message is None:
        assert found == []
    else:
        assert found == [
            Conflict(
                ConflictKind.INTERVIEWER_OVERLAP, 1, 100, message, {"buffer": 15}, blocking=True
            )
        ]


def test_detect_conflicts_touching_without_buffer_is_free() -> None:
    rules = Rules(buffer=timedelta(0), daily_cap=None, weekly_cap=None, working_hours=None)
    assert detect(booking(around(60)), booking(around(-60)), rules=rules) == []


def test_detect_conflicts_editing_same_interview_ignores_its_old_time() -> None:
    assert detect(booking(around(30), interview_id=7), editing=7) == []


def test_detect_conflicts_editing_still_sees_other_interviews() -> None:
    found = detect(booking(around(30), interview_id=7), booking(around(0), 8), editing=7)
    assert [conflict.interview_id for conflict in found] == [8]


@pytest.mark.parametrize(
    "ignored",
    [
        booking(around(0), status=Status.CANCELLED),
        booking(around(0), active=False),  # interviewer removed from that interview
        booking(around(0), person_id=2),  # someone else's
    ],
)
def test_detect_conflicts_booking_not_occupying_is_ignored(ignored: Booking) -> None:
    assert detect(ignored) == []


@pytest.mark.parametrize("status", [Status.CONFIRMED, Status.IN_PROGRESS, Status.NO_SHOW])
def test_detect_conflicts_live_or_closed_booking_counts(status: Status) -> None:
    assert len(detect(booking(around(0), status=status))) == 1


def test_detect_conflicts_override_reports_overlap_without_blocking() -> None:
    found = detect(booking(around(0)), override=True)
    assert [(f.kind, f.blocking) for f in found] == [(ConflictKind.INTERVIEWER_OVERLAP, False)]
    assert blocking(found) == []


def test_detect_conflicts_candidate_overlap_blocks_with_no_person() -> None:
    found = detect(candidate_bookings=[booking(around(30), 55, person_id=None)])
    assert found == [
        Conflict(ConflictKind.CANDIDATE_OVERLAP, None, 55, c.CANDIDATE_BUSY, {"buffer": 15}, True)
    ]


def test_detect_conflicts_candidate_within_buffer_uses_candidate_message() -> None:
    found = detect(candidate_bookings=[booking(around(-65), 55, person_id=None)])
    assert [f.message for f in found] == [c.CANDIDATE_TOO_CLOSE]


def test_detect_conflicts_candidate_same_interview_on_edit_is_ignored() -> None:
    assert detect(candidate_bookings=[booking(around(0), 7, person_id=None)], editing=7) == []


def test_detect_conflicts_past_start_blocks_even_with_override() -> None:
    found = detect_conflicts(
        PROPOSED,
        now=PROPOSED.starts_at + M,
        interviewers=[LI],
        interviewer_bookings=[],
        rules=ONLY_OVERLAPS,
        override=True,
    )
    assert found == [Conflict(ConflictKind.IN_PAST, None, None, c.IN_PAST, {}, True)]


def test_detect_conflicts_start_exactly_now_is_not_past() -> None:
    found = detect_conflicts(
        PROPOSED, now=PROPOSED.starts_at, interviewers=[LI], interviewer_bookings=[]
    )
    assert found == []


def _day_of(tz: str, day: date, *times: str) -> list[Booking]:
    return [booking(local_slot(tz, day, hhmm, 30), 200 + i) for i, hhmm in enumerate(times)]


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        (_day_of(SHANGHAI, TUE, "00:00", "13:00", "15:00"), []),
        (
            _day_of(SHANGHAI, TUE, "00:00", "13:00", "15:00", "23:30"),
            [(ConflictKind.DAILY_CAP, {"count": 5, "limit": 4})],
        ),
        # 23:30 the evening before is another local day, though the same UTC day as 10:00.
        (
            _day_of(SHANGHAI, TUE, "13:00", "15:00", "16:00") + _day_of(SHANGHAI, MON, "23:30"),
            [],
        ),
    ],
)
def test_detect_conflicts_daily_cap_counts_interviewer_local_day(
    existing: list[Booking], expected: list[tuple[ConflictKind, dict[str, int]]]
) -> None:
    found = detect(*existing, rules=NO_HOURS)
    assert [(f.kind, f.params) for f in found] == expected
    assert blocking(found) == []


def test_detect_conflicts_daily_cap_in_new_york_uses_new_york_day() -> None:
    ana = Interviewer(2, NY)
    proposed = local_slot(NY, TUE, "09:00")
    late_evening_before = local_slot(NY, MON, "21:00")  # already Tuesday in UTC
    same_day = [local_slot(NY, TUE, hhmm, 30) for hhmm in ("11:00", "13:00", "15:00")]
    bookings = [Booking(2, i, s) for i, s in enumerate([late_evening_before, *same_day])]
    found = detect_conflicts(
        proposed, now=NOW, interviewers=[ana], interviewer_bookings=bookings, rules=NO_HOURS
    )
    assert found == []
    bookings.append(Booking(2, 99, local_slot(NY, TUE, "23:00", 30)))
    found = detect_conflicts(
        proposed, now=NOW, interviewers=[ana], interviewer_bookings=bookings, rules=NO_HOURS
    )
    assert [(f.kind, f.person_id, f.params) for f in found] == [
        (ConflictKind.DAILY_CAP, 2, {"count": 5, "limit": 4})
    ]


def test_detect_conflicts_weekly_cap_week_starts_monday_local() -> None:
    rules = Rules(daily_cap=None, weekly_cap=2, working_hours=None)
    # Sunday 23:30 in Shanghai is the previous week, though it is Sunday 15:30 UTC.
    last_week = _day_of(SHANGHAI, SUN, "23:30")
    assert detect(*last_week, rules=rules) == []
    this_week = _day_of(SHANGHAI, MON, "00:00", "09:00")
    found = detect(*last_week, *this_week, rules=rules)
    assert [(f.kind, f.params) for f in found] == [
        (ConflictKind.WEEKLY_CAP, {"count": 3, "limit": 2})
    ]


def test_detect_conflicts_personal_caps_override_rules() -> None:
    strict = Interviewer(1, SHANGHAI, daily_cap=1, weekly_cap=1)
    found = detect_conflicts(
        PROPOSED,
        now=NOW,
        interviewers=[strict],
        interviewer_bookings=_day_of(SHANGHAI, TUE, "15:00"),
        rules=NO_HOURS,
    )
    assert [(f.kind, f.params["limit"]) for f in found] == [
        (ConflictKind.DAILY_CAP, 1),
        (ConflictKind.WEEKLY_CAP, 1),
    ]


@pytest.mark.parametrize(
    ("tz", "day", "hhmm", "minutes", "message"),
    [
        (SHANGHAI, TUE, "09:00", 60, None),
        (SHANGHAI, TUE, "17:00", 60, None),  # ends exactly at 18:00
        (SHANGHAI, TUE, "08:45", 60, c.OUTSIDE_HOURS),
        (SHANGHAI, TUE, "17:30", 60, c.OUTSIDE_HOURS),
        (SHANGHAI, TUE, "23:30", 60, c.OUTSIDE_HOURS),  # crosses midnight
        (SHANGHAI, SAT, "10:00", 60, c.DAY_OFF),  # Saturday
        (SHANGHAI, NEXT_SUN, "10:00", 60, c.DAY_OFF),  # Sunday
        (NY, date(2026, 3, 9), "09:00", 60, None),  # Monday after spring forward
        (NY, date(2026, 11, 2), "17:00", 60, None),  # Monday after fall back
    ],
)
def test_detect_conflicts_working_hours_in_interviewer_zone(
    tz: str, day: date, hhmm: str, minutes: int, message: str | None
) -> None:
    slot = local_slot(tz, day, hhmm, minutes)
    found = detect_conflicts(
        slot,
        now=slot.starts_at - timedelta(days=7),  # the DST days are fixed dates: never past
        interviewers=[Interviewer(3, tz)],
        interviewer_bookings=[],
    )
    assert [f.message for f in found] == ([message] if message else [])
    assert all(f.kind is ConflictKind.OUTSIDE_WORKING_HOURS and not f.blocking for f in found)


def test_detect_conflicts_outside_hours_names_the_hours() -> None:
    found = detect_conflicts(
        local_slot(SHANGHAI, TUE, "19:00"),
        now=NOW,
        interviewers=[LI],
        interviewer_bookings=[],
    )
    assert found[0].params == {"start": "09:00", "end": "18:00"}


def test_detect_conflicts_utc_morning_is_evening_for_shanghai_but_fine_in_new_york() -> None:
    slot = local_slot(SHANGHAI, TUE, "22:00")  # 09:00 or 10:00 in New York, by DST
    found = detect_conflicts(
        slot, now=NOW, interviewers=[LI, Interviewer(2, NY)], interviewer_bookings=[]
    )
    assert [(f.kind, f.person_id) for f in found] == [(ConflictKind.OUTSIDE_WORKING_HOURS, 1)]


def test_detect_conflicts_personal_working_hours_replace_default() -> None:
    early = Interviewer(1, SHANGHAI, working_hours=WorkingHours(time(7), time(12), frozenset({1})))
    found = detect_conflicts(
        local_slot(SHANGHAI, TUE, "07:30"),
        now=NOW,
        interviewers=[early],
        interviewer_bookings=[],
    )
    assert found == []


def test_working_hours_end_before_start_raises() -> None:
    with pytest.raises(ValueError):
        WorkingHours(time(18), time(9))


def test_detect_conflicts_several_kinds_only_overlaps_block() -> None:
    existing = _day_of(SHANGHAI, TUE, "10:30", "13:00", "15:00", "16:00")
    found = detect_conflicts(
        local_slot(SHANGHAI, TUE, "10:00"),
        now=NOW,
        interviewers=[LI],
        interviewer_bookings=existing,
        rules=Rules(weekly_cap=4),
    )
    kinds = {f.kind: f.blocking for f in found}
    assert kinds == {
        ConflictKind.INTERVIEWER_OVERLAP: True,
        ConflictKind.DAILY_CAP: False,
        ConflictKind.WEEKLY_CAP: False,
    }
    assert [f.kind for f in blocking(found)] == [ConflictKind.INTERVIEWER_OVERLAP]


def test_raise_if_blocking_with_blocking_conflict_raises_409() -> None:
    found = detect(booking(around(0)))
    with pytest.raises(BookingConflict) as caught:
        raise_if_blocking(found)
    assert caught.value.status == 409
    assert caught.value.conflicts == found


def test_raise_if_blocking_with_warnings_only_passes() -> None:
    found = detect(booking(around(0)), override=True)
    assert [(f.kind, f.blocking) for f in found] == [(ConflictKind.INTERVIEWER_OVERLAP, False)]
    raise_if_blocking(found)  # warnings only: returns without raising
