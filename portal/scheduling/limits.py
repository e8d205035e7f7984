"""An interviewer's own booking limits: working hours and days, daily and weekly caps.

Every limit is optional; None means the application's default rule. Hours and days are one rule
(the conflict check ignores days without hours), and a form whose hours and days equal the
defaults is stored as "defaults", so a person only keeps what HR actually changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from portal.scheduling.conflicts import WorkingHours
from portal.scheduling.fields import BAD_CHOICE, FormReader, RawForm
from portal.scheduling.messages import N_

DAILY_CAP_MAX = 20
WEEKLY_CAP_MAX = 60
WEEKDAYS = "0123456"  # `date.weekday()` digits: Monday is 0
RESET = "reset"  # the form's "use defaults" action

NO_WORK_DAYS = N_("Choose at least one working day.")
END_BEFORE_START = N_("Working hours must end after they start.")
WEEKLY_BELOW_DAILY = N_("The weekly cap cannot be lower than the daily cap.")


@dataclass(frozen=True, slots=True)
class Limits:
    """Stored as the `people` columns of the same names."""

    work_start_minute: int | None = None  # minutes after local midnight
    work_end_minute: int | None = None
    work_days: str | None = None  # sorted weekday digits, e.g. "01234"
    daily_cap: int | None = None
    weekly_cap: int | None = None


DEFAULT_LIMITS = Limits()


def validate_limits(form: RawForm, *, defaults: WorkingHours | None) -> Limits:
    """The HR limits form (`work_start`, `work_end`, `work_days`, `daily_cap`, `weekly_cap`)."""
    reader = FormReader(form)
    if reader.raw("action") == RESET:
        return DEFAULT_LIMITS
    start, end = reader.clock("work_start"), reader.clock("work_end")
    if start is not None and end is not None and end <= start:
        reader.fail("work_end", END_BEFORE_START)
    days = _work_days(reader, form)
    daily = reader.integer("daily_cap", low=1, high=DAILY_CAP_MAX, required=False)
    weekly = reader.integer("weekly_cap", low=1, high=WEEKLY_CAP_MAX, required=False)
    caps_read = not {"daily_cap", "weekly_cap"} & reader.errors.keys()
    if caps_read and daily is not None and weekly is not None and weekly < daily:
        reader.fail("weekly_cap", WEEKLY_BELOW_DAILY)
    reader.finish()
    assert start is not None and end is not None
    if WorkingHours(start, end, frozenset(map(int, days))) == defaults:
        return Limits(daily_cap=daily, weekly_cap=weekly)
    return Limits(minute_of(start), minute_of(end), days, daily, weekly)


def working_hours(limits: Limits, defaults: WorkingHours | None) -> WorkingHours | None:
    """The hours in force for `limits` (the defaults unless both ends are set and in order)."""
    start, end = limits.work_start_minute, limits.work_end_minute
    if start is None or end is None or end <= start:
        return defaults
    days = frozenset(int(d) for d in (limits.work_days or "01234") if d in WEEKDAYS)
    return WorkingHours(clock_of(start), clock_of(end), days)


def minute_of(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def clock_of(minute: int) -> time:
    return time(minute // 60, minute % 60) if minute < 24 * 60 else time(23, 59)


def _work_days(reader: FormReader, form: RawForm) -> str:
    values = {str(value).strip() for value in form.getlist("work_days")}
    if not values:
        reader.fail("work_days", NO_WORK_DAYS)
    elif not values <= set(WEEKDAYS):
        reader.fail("work_days", BAD_CHOICE)
    return "".join(sorted(values & set(WEEKDAYS)))
