from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from portal.scheduling import slots
from portal.scheduling.slots import InvalidSlot, Slot
from tests.support.when import NOW, SHANGHAI, days_after, local_day

DAY = local_day(NOW, 7)  # a Tuesday a week after NOW
T = days_after(NOW, 7, time(10))  # 10:00 that day in Shanghai, 02:00 UTC
M = timedelta(minutes=1)


def slot(start_min: int, end_min: int) -> Slot:
    return Slot(T + start_min * M, T + end_min * M)


def test_slot_valid_range_keeps_times_and_duration() -> None:
    booked = slot(0, 60)
    assert (booked.starts_at, booked.ends_at, booked.duration) == (T, T + 60 * M, 60 * M)


def test_slot_other_zone_is_stored_in_utc() -> None:
    local = datetime.combine(DAY, time(10), tzinfo=SHANGHAI)
    booked = Slot.starting(local, timedelta(hours=1))
    assert booked.starts_at == T and booked.starts_at.tzinfo is UTC


def test_slot_naive_datetime_raises() -> None:
    with pytest.raises(ValueError):
        Slot(datetime.combine(DAY, time(2)), datetime.combine(DAY, time(3)))


@pytest.mark.parametrize(
    ("start", "end", "message", "params"),
    [
        (0, 0, slots.END_BEFORE_START, {}),
        (60, 0, slots.END_BEFORE_START, {}),
        (0, 14, slots.TOO_SHORT, {"minutes": 15}),
        (0, 481, slots.TOO_LONG, {"hours": 8}),
    ],
)
def test_slot_bad_range_raises(start: int, end: int, message: str, params: dict[str, int]) -> None:
    with pytest.raises(InvalidSlot) as caught:
        slot(start, end)
    assert (caught.value.message, caught.value.params, caught.value.status) == (
        message,
        params,
        422,
    )


@pytest.mark.parametrize(("start", "end"), [(0, 15), (0, 480)])
def test_slot_duration_limits_are_inclusive(start: int, end: int) -> None:
    assert slot(start, end).duration == (end - start) * M


@pytest.mark.parametrize(
    ("other", "buffer", "expected"),
    [
        ((60, 120), 0, False),  # touching: 11:00 end, 11:00 start
        ((-60, 0), 0, False),
        ((59, 120), 0, True),
        ((15, 45), 0, True),  # inside
        ((-30, 90), 0, True),  # around
        ((60, 120), 15, True),  # touching, but closer than the buffer
        ((74, 120), 15, True),  # 14 minutes apart
        ((75, 120), 15, False),  # exactly the buffer apart
        ((-75, -15), 15, False),
        ((-74, -14), 15, True),
    ],
)
def test_slot_overlaps_edges(other: tuple[int, int], buffer: int, expected: bool) -> None:
    booked, proposed = slot(0, 60), slot(*other)
    assert booked.overlaps(proposed, buffer * M) is expected
    assert proposed.overlaps(booked, buffer * M) is expected
