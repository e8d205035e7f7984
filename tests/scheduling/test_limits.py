from __future__ import annotations

from datetime import time

import pytest
from starlette.datastructures import FormData, UploadFile

from portal.scheduling import WorkingHours
from portal.scheduling import fields as f
from portal.scheduling import limits as lim
from portal.scheduling.fields import ValidationFailed
from portal.scheduling.limits import DEFAULT_LIMITS, Limits, validate_limits, working_hours

Fields = dict[str, str | list[str]]
DEFAULT_HOURS = WorkingHours()  # 09:00–18:00, Monday to Friday
FORM: Fields = {
    "work_start": "10:00",
    "work_end": "16:30",
    "work_days": ["0", "2", "4"],
    "daily_cap": "2",
    "weekly_cap": "5",
}


def form(fields: Fields) -> FormData:
    items: list[tuple[str, str | UploadFile]] = [
        (name, item)
        for name, value in fields.items()
        for item in (value if isinstance(value, list) else [value])
    ]
    return FormData(items)


def errors_of(fields: Fields) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        validate_limits(form(fields), defaults=DEFAULT_HOURS)
    return caught.value.errors


def test_validate_limits_full_form_returns_stored_values() -> None:
    assert validate_limits(form(FORM), defaults=DEFAULT_HOURS) == Limits(600, 990, "024", 2, 5)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"daily_cap": "", "weekly_cap": ""}, Limits(600, 990, "024")),
        ({"work_days": ["4", "0", "2", "2"]}, Limits(600, 990, "024", 2, 5)),
        ({"work_start": "09:00:30"}, Limits(540, 990, "024", 2, 5)),
        ({"daily_cap": "20", "weekly_cap": "60"}, Limits(600, 990, "024", 20, 60)),
        ({"daily_cap": "3", "weekly_cap": "3"}, Limits(600, 990, "024", 3, 3)),
        ({"weekly_cap": ""}, Limits(600, 990, "024", 2, None)),
    ],
)
def test_validate_limits_accepted_values_are_normalised(changes: Fields, expected: Limits) -> None:
    assert validate_limits(form(FORM | changes), defaults=DEFAULT_HOURS) == expected


def test_validate_limits_default_hours_and_days_are_stored_as_defaults() -> None:
    fields = FORM | {"work_start": "09:00", "work_end": "18:00", "work_days": list("01234")}
    assert validate_limits(form(fields), defaults=DEFAULT_HOURS) == Limits(
        daily_cap=2, weekly_cap=5
    )
    blank_caps = fields | {"daily_cap": "", "weekly_cap": ""}
    assert validate_limits(form(blank_caps), defaults=DEFAULT_HOURS) == DEFAULT_LIMITS


def test_validate_limits_without_default_hours_stores_what_was_typed() -> None:
    fields = FORM | {"work_start": "09:00", "work_end": "18:00", "work_days": list("01234")}
    assert validate_limits(form(fields), defaults=None) == Limits(540, 1080, "01234", 2, 5)


def test_validate_limits_reset_action_returns_defaults_whatever_else_is_sent() -> None:
    fields = FORM | {"action": lim.RESET, "work_start": "nonsense", "daily_cap": "99"}
    assert validate_limits(form(fields), defaults=DEFAULT_HOURS) == DEFAULT_LIMITS


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"work_start": ""}, "work_start", f.REQUIRED),
        ({"work_start": "9am"}, "work_start", f.BAD_TIME),
        ({"work_end": "24:00"}, "work_end", f.BAD_TIME),
        ({"work_end": "10:00"}, "work_end", lim.END_BEFORE_START),
        ({"work_end": "09:59"}, "work_end", lim.END_BEFORE_START),
        ({"work_days": []}, "work_days", lim.NO_WORK_DAYS),
        ({"work_days": ["0", "7"]}, "work_days", f.BAD_CHOICE),
        ({"work_days": ["mon"]}, "work_days", f.BAD_CHOICE),
        ({"daily_cap": "0"}, "daily_cap", f.OUT_OF_RANGE),
        ({"daily_cap": "21"}, "daily_cap", f.OUT_OF_RANGE),
        ({"daily_cap": "two"}, "daily_cap", f.NOT_A_NUMBER),
        ({"weekly_cap": "61"}, "weekly_cap", f.OUT_OF_RANGE),
        ({"weekly_cap": "1"}, "weekly_cap", lim.WEEKLY_BELOW_DAILY),
    ],
)
def test_validate_limits_bad_field_reports_its_error(
    changes: Fields, field: str, message: str
) -> None:
    assert errors_of(FORM | changes)[field] == message


def test_validate_limits_out_of_range_daily_cap_is_not_compared_to_weekly() -> None:
    assert errors_of(FORM | {"daily_cap": "21", "weekly_cap": "6"}) == {"daily_cap": f.OUT_OF_RANGE}


def test_validate_limits_reports_every_error_at_once() -> None:
    fields: Fields = {"work_start": "", "work_end": "", "work_days": [], "daily_cap": "x"}
    assert set(errors_of(fields)) == {"work_start", "work_end", "work_days", "daily_cap"}


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        (DEFAULT_LIMITS, DEFAULT_HOURS),
        (Limits(daily_cap=3), DEFAULT_HOURS),
        (Limits(work_start_minute=600), DEFAULT_HOURS),  # half a rule is no rule
        (Limits(600, 540, "0"), DEFAULT_HOURS),  # ends before it starts
        (Limits(600, 990, "024"), WorkingHours(time(10), time(16, 30), frozenset({0, 2, 4}))),
        (Limits(600, 1440), WorkingHours(time(10), time(23, 59), frozenset(range(5)))),
    ],
)
def test_working_hours_of_limits_falls_back_to_defaults(
    limits: Limits, expected: WorkingHours
) -> None:
    assert working_hours(limits, DEFAULT_HOURS) == expected


@pytest.mark.parametrize("minute", [0, 1, 539, 990, 1439])
def test_clock_of_minute_round_trips(minute: int) -> None:
    assert lim.minute_of(lim.clock_of(minute)) == minute
