"""An interviewer's one-off unavailable block ("away Friday afternoon"): the form and the value.

The person types local wall times in their own zone; the block is stored in UTC. Local times
in a DST gap are refused with a suggestion and a fold takes its first occurrence, as the
booking form does (`timezones.local_to_utc`). A whole day runs from local midnight to the next
local midnight, which is 23 or 25 hours on a DST day. A block can be longer than an interview
(up to two weeks), so it is not a `Slot`; `overlaps` compares it with one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from portal.scheduling.fields import FormReader, RawForm
from portal.scheduling.messages import N_
from portal.scheduling.slots import END_BEFORE_START, Slot
from portal.scheduling.timezones import DayOutOfRange, NonexistentLocalTime, day_range, local_to_utc

MAX_LENGTH = timedelta(days=14)
MAX_AHEAD = timedelta(days=180)
MAX_NOTE = 200

AWAY_OVER = N_("This time is already over.")
AWAY_TOO_LONG = N_("An away time lasts at most %(days)s days.")
AWAY_TOO_FAR = N_("Enter a time within the next %(days)s days.")


@dataclass(frozen=True, slots=True)
class AwayBlock:
    """`[starts_at, ends_at)` in UTC when `person_id` cannot interview."""

    person_id: int
    starts_at: datetime
    ends_at: datetime
    note: str | None = None

    def overlaps(self, slot: Slot) -> bool:
        """True if the slot and the block share any time; touching does not count."""
        return self.starts_at < slot.ends_at and slot.starts_at < self.ends_at


@dataclass(frozen=True, slots=True)
class AwayDraft:
    """A valid away form: UTC bounds and the optional note."""

    starts_at: datetime
    ends_at: datetime
    note: str | None


def validate_away(form: RawForm, *, now: datetime, timezone: str) -> AwayDraft:
    """The away form: `date` (+ optional `end_date`), `start` / `end` times or `whole_day`,
    and `note`, in the person's `timezone`; every error at once, keyed by field name."""
    reader = FormReader(form)
    first = reader.day("date")
    last = _end_date(reader, first)
    note = reader.text("note", max_len=MAX_NOTE)
    whole_day = reader.checkbox("whole_day")
    if whole_day:
        bounds = _whole_days(reader, first, last, timezone)
    else:
        bounds = _timed(reader, first, last, timezone)
    if bounds is not None:
        _check_bounds(reader, *bounds, now=now, whole_day=whole_day)
    reader.finish()
    assert bounds is not None
    return AwayDraft(bounds[0], bounds[1], note)


def _end_date(reader: FormReader, first: date | None) -> date | None:
    if not reader.raw("end_date"):
        return first
    return reader.day("end_date")


def _whole_days(
    reader: FormReader, first: date | None, last: date | None, timezone: str
) -> tuple[datetime, datetime] | None:
    if first is None or last is None:
        return None
    if last < first:
        reader.fail("end_date", END_BEFORE_START)
        return None
    if (last - first).days >= MAX_LENGTH.days:
        reader.fail("end_date", AWAY_TOO_LONG, {"days": MAX_LENGTH.days})
        return None
    return day_range(first, timezone).start, day_range(last, timezone).end


def _timed(
    reader: FormReader, first: date | None, last: date | None, timezone: str
) -> tuple[datetime, datetime] | None:
    start_time, end_time = reader.clock("start"), reader.clock("end")
    starts_at = _instant(reader, "start", first, start_time, timezone)
    ends_at = _instant(reader, "end", last, end_time, timezone)
    if starts_at is None or ends_at is None:
        return None
    if ends_at <= starts_at:
        reader.fail("end", END_BEFORE_START)
        return None
    return starts_at, ends_at


def _instant(
    reader: FormReader, field: str, day: date | None, clock: time | None, timezone: str
) -> datetime | None:
    if day is None or clock is None:
        return None
    try:
        return local_to_utc(datetime.combine(day, clock), timezone)
    except (NonexistentLocalTime, DayOutOfRange) as exc:
        reader.fail(field, exc.message, exc.params)
        return None


def _check_bounds(
    reader: FormReader, starts_at: datetime, ends_at: datetime, *, now: datetime, whole_day: bool
) -> None:
    # A block already under way is fine ("away this afternoon" typed at 14:30); one that is
    # over is a typo.
    if ends_at <= now:
        reader.fail("date", AWAY_OVER)
    elif not whole_day and ends_at - starts_at > MAX_LENGTH:
        reader.fail("end_date", AWAY_TOO_LONG, {"days": MAX_LENGTH.days})
    elif starts_at > now + MAX_AHEAD:
        reader.fail("date", AWAY_TOO_FAR, {"days": MAX_AHEAD.days})
