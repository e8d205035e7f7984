"""Candidate self-scheduling rules (issue 16), pure: the window, the days, moving, HR's form."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from starlette.datastructures import FormData, UploadFile

from portal.scheduling import Slot, Status, ValidationFailed
from portal.scheduling.fields import OUT_OF_RANGE, REQUIRED
from portal.scheduling.self_schedule import (
    MAX_PANEL,
    MOVE_CLOSED,
    MOVE_TOO_LATE,
    MOVES_USED,
    PANEL_TOO_LARGE,
    PANEL_TOO_SMALL,
    by_day,
    can_move_self,
    picking_window,
    validate_self_schedule,
)
from tests.support.when import (
    FRIDAY,
    MONDAY,
    NOW,
    SHANGHAI,
    TUESDAY,
    WEDNESDAY,
    local_at,
    next_weekday_at,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
HOUR = timedelta(hours=1)


def midnight_after(day: date, zone: ZoneInfo) -> datetime:
    """Local midnight at the end of `day` in `zone`, in UTC."""
    return local_at(day + timedelta(days=1), time(0), zone)


def offset(moment: datetime, zone: ZoneInfo) -> timedelta:
    found = moment.astimezone(zone).utcoffset()
    assert found is not None
    return found


def next_dst_change(zone: ZoneInfo, after: datetime) -> date:
    """The first local date after `after` whose UTC offset at noon differs from the day before's."""
    day = after.astimezone(zone).date()
    while offset(local_at(day + timedelta(days=1), time(12), zone), zone) == offset(
        local_at(day, time(12), zone), zone
    ):
        day += timedelta(days=1)
    return day + timedelta(days=1)


# picking_window -------------------------------------------------------------------------------


def test_a_friday_afternoon_with_a_day_of_notice_starts_counting_on_monday() -> None:
    friday = next_weekday_at(FRIDAY, time(15), zone=BERLIN, after=NOW)
    window = picking_window(friday, "Europe/Berlin", days=1, min_notice=timedelta(hours=24))
    monday = friday.astimezone(BERLIN).date() + timedelta(days=3)
    assert monday.weekday() == MONDAY
    assert window.start == friday
    assert window.end == midnight_after(monday, BERLIN)


def test_one_day_without_notice_is_the_rest_of_today() -> None:
    wednesday = next_weekday_at(WEDNESDAY, time(10), zone=BERLIN, after=NOW)
    window = picking_window(wednesday, "Europe/Berlin", days=1, min_notice=timedelta(0))
    assert window.end == midnight_after(wednesday.astimezone(BERLIN).date(), BERLIN)


def test_weekends_are_not_counted() -> None:
    wednesday = next_weekday_at(WEDNESDAY, time(10), zone=BERLIN, after=NOW)
    window = picking_window(wednesday, "Europe/Berlin", days=5, min_notice=timedelta(0))
    # Wednesday, Thursday, Friday, Monday, Tuesday: the end is the next Wednesday's midnight.
    tuesday = wednesday.astimezone(BERLIN).date() + timedelta(days=6)
    assert tuesday.weekday() == TUESDAY
    assert window.end == midnight_after(tuesday, BERLIN)


def test_a_weekend_start_counts_from_monday() -> None:
    saturday = next_weekday_at(5, time(11), zone=BERLIN, after=NOW)
    window = picking_window(saturday, "Europe/Berlin", days=2, min_notice=timedelta(0))
    tuesday = saturday.astimezone(BERLIN).date() + timedelta(days=3)
    assert window.end == midnight_after(tuesday, BERLIN)


def test_working_days_are_counted_in_the_candidates_zone() -> None:
    # Friday 23:30 in Berlin is already Saturday in Shanghai: there the first day is Monday.
    late_friday = next_weekday_at(FRIDAY, time(23, 30), zone=BERLIN, after=NOW)
    in_berlin = picking_window(late_friday, "Europe/Berlin", days=1, min_notice=timedelta(0))
    in_shanghai = picking_window(late_friday, "Asia/Shanghai", days=1, min_notice=timedelta(0))
    assert in_berlin.end == midnight_after(late_friday.astimezone(BERLIN).date(), BERLIN)
    monday = late_friday.astimezone(SHANGHAI).date() + timedelta(days=2)
    assert monday.weekday() == MONDAY
    assert in_shanghai.end == midnight_after(monday, SHANGHAI)


@pytest.mark.parametrize("zone", [BERLIN, NEW_YORK], ids=str)
def test_the_end_is_local_midnight_across_a_dst_change(zone: ZoneInfo) -> None:
    change = next_dst_change(zone, NOW)  # a Sunday in both zones
    assert change.weekday() == 6
    friday = local_at(change - timedelta(days=2), time(10), zone)
    window = picking_window(friday, str(zone), days=2, min_notice=timedelta(0))
    tuesday = change + timedelta(days=2)  # Friday, then Monday after the change
    assert window.end == midnight_after(change + timedelta(days=1), zone)
    local_end = window.end.astimezone(zone)
    assert (local_end.date(), local_end.time()) == (tuesday, time(0))
    # The offset moved by an hour in between, so the window is an hour off a whole 86 h.
    moved = offset(window.end, zone) - offset(friday, zone)
    assert abs(moved) == HOUR
    assert window.end - friday == timedelta(hours=86) - moved


# by_day ---------------------------------------------------------------------------------------


def test_starts_are_grouped_by_the_candidates_local_day() -> None:
    evening = next_weekday_at(MONDAY, time(23, 30), zone=ZoneInfo("UTC"), after=NOW)
    morning = evening.replace(hour=10, minute=0)
    hour = timedelta(minutes=60)
    late, early = Slot.starting(evening, hour), Slot.starting(morning, hour)
    in_shanghai = by_day([late, early], "Asia/Shanghai")
    monday = morning.astimezone(SHANGHAI).date()
    assert [(d.day, d.slots) for d in in_shanghai] == [
        (monday, (early,)),
        (monday + timedelta(days=1), (late,)),  # 07:30 on Tuesday there
    ]
    in_utc = by_day([late, early], "UTC")
    assert [(d.day, d.slots) for d in in_utc] == [(evening.date(), (early, late))]


def test_no_starts_no_days() -> None:
    assert by_day([], "Asia/Shanghai") == []


# can_move_self --------------------------------------------------------------------------------

START = NOW + timedelta(days=3)


def decide(
    *, status: Status = Status.SCHEDULED, now: datetime = NOW, moves: int = 0, hours: int = 24
) -> tuple[bool, str | None, dict[str, object]]:
    decision = can_move_self(
        now, status=status, starts_at=START, moves=moves, cutoff_hours=hours, max_moves=2
    )
    return decision.allowed, decision.reason, decision.params


@pytest.mark.parametrize("status", [Status.SCHEDULED, Status.CONFIRMED])
def test_an_upcoming_interview_may_be_moved(status: Status) -> None:
    assert decide(status=status) == (True, None, {})
    assert decide(status=status, moves=1) == (True, None, {})


@pytest.mark.parametrize(
    "status", [Status.CANCELLED, Status.CHECKED_IN, Status.IN_PROGRESS, Status.COMPLETED]
)
def test_a_cancelled_or_started_interview_may_not(status: Status) -> None:
    assert decide(status=status) == (False, MOVE_CLOSED, {})


def test_a_past_interview_may_not() -> None:
    assert decide(now=START)[:2] == (False, MOVE_CLOSED)
    assert decide(now=START + HOUR)[:2] == (False, MOVE_CLOSED)


def test_the_moves_run_out() -> None:
    assert decide(moves=2) == (False, MOVES_USED, {})
    assert decide(moves=3) == (False, MOVES_USED, {})


def test_too_close_to_the_start_names_the_cutoff() -> None:
    assert decide(now=START - timedelta(hours=23)) == (False, MOVE_TOO_LATE, {"hours": 24})
    assert decide(now=START - timedelta(hours=24)) == (True, None, {})
    assert decide(now=START - timedelta(hours=47), hours=48) == (
        False,
        MOVE_TOO_LATE,
        {"hours": 48},
    )
    assert decide(now=START - timedelta(hours=2), hours=1) == (True, None, {})


# validate_self_schedule -----------------------------------------------------------------------

FORM: dict[str, str | list[str]] = {
    "plan_round_id": "",
    "duration": "60",
    "panel_size": "1",
    "interviewer_ids": ["4"],
    "days": "5",
    "min_notice_hours": "24",
}


def form(**changes: str | list[str]) -> FormData:
    items: list[tuple[str, str | UploadFile]] = []
    for name, value in {**FORM, **changes}.items():
        items.extend((name, v) for v in ([value] if isinstance(value, str) else value))
    return FormData(items)


def errors(pool_size: int = 0, **changes: str | list[str]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        validate_self_schedule(form(**changes), candidate_id=1, position_id=2, pool_size=pool_size)
    return caught.value.errors


def test_a_valid_form_becomes_a_draft() -> None:
    draft = validate_self_schedule(
        form(plan_round_id="7", interviewer_ids=["4", "5"], panel_size="3", min_notice_hours="0"),
        candidate_id=1,
        position_id=2,
        pool_size=1,
    )
    assert (draft.candidate_id, draft.position_id, draft.plan_round_id) == (1, 2, 7)
    assert draft.duration == timedelta(minutes=60)
    assert (draft.panel_size, draft.interviewer_ids) == (3, (4, 5))
    assert (draft.days, draft.min_notice) == (5, timedelta(0))


@pytest.mark.parametrize(
    ("field", "value", "low", "high"),
    [
        ("duration", "10", 15, 480),
        ("duration", "481", 15, 480),
        ("panel_size", "0", 1, MAX_PANEL),
        ("days", "0", 1, 20),
        ("days", "21", 1, 20),
        ("min_notice_hours", "169", 0, 168),
    ],
)
def test_numbers_out_of_range_are_refused(field: str, value: str, low: int, high: int) -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_self_schedule(form(**{field: value}), candidate_id=1, position_id=2, pool_size=5)
    assert caught.value.errors == {field: OUT_OF_RANGE}
    assert caught.value.error_params[field] == {"min": low, "max": high}


def test_a_missing_length_is_required() -> None:
    assert errors(duration="") == {"duration": REQUIRED}


def test_a_panel_larger_than_its_people_without_a_pool_is_refused() -> None:
    assert errors(panel_size="2") == {"interviewer_ids": PANEL_TOO_SMALL}
    assert errors(panel_size="1", interviewer_ids=[]) == {"interviewer_ids": PANEL_TOO_SMALL}


def test_a_pool_fills_the_panel() -> None:
    draft = validate_self_schedule(
        form(panel_size="3", interviewer_ids=["4"]), candidate_id=1, position_id=2, pool_size=2
    )
    assert (draft.panel_size, draft.interviewer_ids) == (3, (4,))
    assert errors(pool_size=1, panel_size="3") == {"interviewer_ids": PANEL_TOO_SMALL}


def test_too_many_required_people_are_refused() -> None:
    many = [str(n) for n in range(10, 11 + MAX_PANEL)]
    assert errors(interviewer_ids=many) == {"interviewer_ids": PANEL_TOO_LARGE}


def test_a_repeated_interviewer_counts_once() -> None:
    draft = validate_self_schedule(
        form(interviewer_ids=["4", "5", "4"], panel_size="2"),
        candidate_id=1,
        position_id=2,
        pool_size=0,
    )
    assert draft.interviewer_ids == (4, 5)
    assert errors(interviewer_ids=["4", "4"], panel_size="2") == {
        "interviewer_ids": PANEL_TOO_SMALL
    }


def test_the_panel_size_grows_to_the_required_people() -> None:
    draft = validate_self_schedule(
        form(interviewer_ids=["4", "5", "6"], panel_size="1"),
        candidate_id=1,
        position_id=2,
        pool_size=0,
    )
    assert draft.panel_size == 3
