from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from starlette.datastructures import FormData

from portal.scheduling.conflicts import ConflictKind, Interviewer, Rules, detect_conflicts
from portal.scheduling.fields import ValidationFailed
from portal.scheduling.slots import Slot
from portal.scheduling.timezones import NONEXISTENT_TIME, local_to_utc
from portal.scheduling.unavailable import (
    AWAY_OVER,
    AWAY_TOO_FAR,
    AWAY_TOO_LONG,
    AwayBlock,
    validate_away,
)
from tests.support.when import NOW, local_day

SHANGHAI, NY = "Asia/Shanghai", "America/New_York"
TOMORROW = local_day(NOW, 1)
H = timedelta(hours=1)
FREE = Rules(daily_cap=None, weekly_cap=None, working_hours=None)


def _form(**values: str) -> FormData:
    return FormData(values)


def _errors(form: FormData, tz: str = SHANGHAI) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        validate_away(form, now=NOW, timezone=tz)
    return caught.value.errors


def _spring_forward(tz: str) -> date:
    """The next local day after NOW on which `tz`'s clocks jump forward (computed, not typed)."""
    zone, day = ZoneInfo(tz), local_day(NOW)
    while True:
        before = datetime.combine(day, time(0), tzinfo=zone).utcoffset()
        after = datetime.combine(day + timedelta(1), time(0), tzinfo=zone).utcoffset()
        assert before is not None and after is not None
        if after > before:
            return day
        day += timedelta(1)


def test_validate_away_timed_block_is_utc_in_the_persons_zone() -> None:
    draft = validate_away(
        _form(date=TOMORROW.isoformat(), start="13:00", end="18:00", note=" dentist "),
        now=NOW,
        timezone=SHANGHAI,
    )
    assert draft.starts_at == local_to_utc(datetime.combine(TOMORROW, time(13)), SHANGHAI)
    assert draft.ends_at - draft.starts_at == 5 * H
    assert draft.starts_at.tzinfo == UTC
    assert draft.note == "dentist"


def test_validate_away_same_wall_time_differs_by_zone() -> None:
    form = _form(date=TOMORROW.isoformat(), start="13:00", end="18:00")
    here = validate_away(form, now=NOW, timezone=SHANGHAI)
    there = validate_away(form, now=NOW, timezone=NY)
    assert there.starts_at - here.starts_at in (12 * H, 13 * H)


def test_validate_away_whole_day_runs_local_midnight_to_midnight() -> None:
    draft = validate_away(
        _form(date=TOMORROW.isoformat(), whole_day="on", start="", end=""),
        now=NOW,
        timezone=SHANGHAI,
    )
    assert draft.starts_at == local_to_utc(datetime.combine(TOMORROW, time(0)), SHANGHAI)
    assert draft.ends_at - draft.starts_at == 24 * H
    assert draft.note is None


def test_validate_away_whole_day_on_a_dst_day_is_23_hours() -> None:
    day = _spring_forward(NY)
    draft = validate_away(
        _form(date=day.isoformat(), whole_day="on"),
        now=day_start(day, NY) - timedelta(days=1),
        timezone=NY,
    )
    assert draft.ends_at - draft.starts_at == 23 * H


def test_validate_away_multi_day_until_the_last_day() -> None:
    last = TOMORROW + timedelta(days=2)
    draft = validate_away(
        _form(date=TOMORROW.isoformat(), end_date=last.isoformat(), whole_day="on"),
        now=NOW,
        timezone=SHANGHAI,
    )
    assert draft.ends_at - draft.starts_at == 72 * H


def test_validate_away_refuses_a_time_in_a_dst_gap_with_a_suggestion() -> None:
    day = _spring_forward(NY)
    with pytest.raises(ValidationFailed) as caught:
        validate_away(
            _form(date=day.isoformat(), start="02:30", end="04:00"),
            now=day_start(day, NY) - timedelta(days=1),
            timezone=NY,
        )
    assert caught.value.errors == {"start": NONEXISTENT_TIME}
    assert caught.value.error_params["start"]["suggestion"] == "03:30"


def day_start(day: date, tz: str) -> datetime:
    return local_to_utc(datetime.combine(day, time(0)), tz)


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (_form(date=TOMORROW.isoformat(), start="18:00", end="13:00"), "end", "end"),
        (_form(date=TOMORROW.isoformat(), start="13:00", end="13:00"), "end", "end"),
        (_form(date=local_day(NOW, -1).isoformat(), start="09:00", end="10:00"), "date", "over"),
        (_form(date=local_day(NOW).isoformat(), start="08:00", end="09:30"), "date", "over"),
        (
            _form(
                date=TOMORROW.isoformat(),
                end_date=(TOMORROW + timedelta(days=14)).isoformat(),
                whole_day="on",
            ),
            "end_date",
            "long",
        ),
        (
            _form(
                date=TOMORROW.isoformat(),
                end_date=(TOMORROW + timedelta(days=15)).isoformat(),
                start="09:00",
                end="10:00",
            ),
            "end_date",
            "long",
        ),
        (_form(date=local_day(NOW, 181).isoformat(), whole_day="on"), "date", "far"),
        (_form(date="tomorrow", start="09:00", end="10:00"), "date", "date"),
        (_form(date=TOMORROW.isoformat(), start="9am", end="10:00"), "start", "time"),
        (_form(date=TOMORROW.isoformat(), start="09:00", end=""), "end", "required"),
        (_form(date=TOMORROW.isoformat(), whole_day="on", note="x" * 201), "note", "note"),
    ],
)
def test_validate_away_refuses(form: FormData, field: str, message: str) -> None:
    errors = _errors(form)
    assert field in errors
    expected = {"over": AWAY_OVER, "long": AWAY_TOO_LONG, "far": AWAY_TOO_FAR}.get(message)
    if expected is not None:
        assert errors[field] == expected


def test_validate_away_accepts_a_block_already_under_way_and_14_days() -> None:
    today = local_day(NOW)  # NOW is 10:00 in Shanghai
    under_way = validate_away(
        _form(date=today.isoformat(), start="09:00", end="12:00"), now=NOW, timezone=SHANGHAI
    )
    assert under_way.starts_at < NOW < under_way.ends_at
    last = TOMORROW + timedelta(days=13)
    fortnight = validate_away(
        _form(date=TOMORROW.isoformat(), end_date=last.isoformat(), whole_day="on"),
        now=NOW,
        timezone=SHANGHAI,
    )
    assert fortnight.ends_at - fortnight.starts_at == timedelta(days=14)


def _slot(hour: int, minutes: int = 60) -> Slot:
    start = local_to_utc(datetime.combine(TOMORROW, time(hour)), SHANGHAI)
    return Slot.starting(start, timedelta(minutes=minutes))


AFTERNOON = AwayBlock(1, _slot(13).starts_at, _slot(13).starts_at + 5 * H, "dentist")


@pytest.mark.parametrize(
    ("slot", "hit"),
    [(_slot(12), False), (_slot(12, 61), True), (_slot(15), True), (_slot(18), False)],
)
def test_away_block_overlaps_but_touching_does_not(slot: Slot, hit: bool) -> None:
    assert AFTERNOON.overlaps(slot) is hit


def test_detect_conflicts_away_blocks_unless_overridden() -> None:
    people = [Interviewer(1, SHANGHAI), Interviewer(2, SHANGHAI)]
    others = AwayBlock(3, AFTERNOON.starts_at, AFTERNOON.ends_at)
    found = detect_conflicts(
        _slot(14), now=NOW, interviewers=people, interviewer_bookings=(), rules=FREE,
        blocks=[AFTERNOON, others],
    )  # fmt: skip
    assert [(c.kind, c.person_id, c.blocking) for c in found] == [
        (ConflictKind.UNAVAILABLE, 1, True)
    ]
    assert found[0].message == "This interviewer is away at this time (%(note)s)."
    assert found[0].params == {"note": "dentist"}
    overridden = detect_conflicts(
        _slot(14), now=NOW, interviewers=people, interviewer_bookings=(), rules=FREE,
        blocks=[AFTERNOON], override=True,
    )  # fmt: skip
    assert [c.blocking for c in overridden] == [False]


def test_detect_conflicts_away_without_note_and_outside_block() -> None:
    people = [Interviewer(1, SHANGHAI)]
    bare = AwayBlock(1, AFTERNOON.starts_at, AFTERNOON.ends_at)
    found = detect_conflicts(
        _slot(14), now=NOW, interviewers=people, interviewer_bookings=(), rules=FREE,
        blocks=[bare],
    )  # fmt: skip
    assert [(c.message, c.params) for c in found] == [
        ("This interviewer is away at this time.", {})
    ]
    assert detect_conflicts(
        _slot(10), now=NOW, interviewers=people, interviewer_bookings=(), rules=FREE,
        blocks=[bare],
    ) == []  # fmt: skip
