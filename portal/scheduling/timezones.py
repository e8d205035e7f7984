"""IANA time zones: validating names and moving between local wall time and UTC.

The database stores UTC; people type and read local wall time. Two DST edges need a rule:

* Spring forward (a gap): 02:30 on 2026-03-08 never happens in America/New_York. We refuse it
  with `NonexistentLocalTime` instead of silently shifting it, because a booking at a time
  that does not exist is a typo or a misunderstanding, and moving it an hour would put people
  in a room at a time nobody chose. The error carries the shifted time as a suggestion.
* Fall back (a fold): 01:30 on 2026-11-01 happens twice. We take the first occurrence
  (`fold=0`), as RFC 5545 does (§3.3.5), so our calendar exports and WeCom agree with what
  the form meant; and the first occurrence errs on the early side: nobody arrives late.

Formatting for display is not here: the web layer does it with Babel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from portal.errors import DomainError
from portal.scheduling.messages import N_

UNKNOWN_ZONE = N_("Unknown time zone: %(zone)s.")
DAY_OUT_OF_RANGE = N_("Enter a date from %(first)s to %(last)s.")
NONEXISTENT_TIME = N_(
    "%(time)s on %(date)s does not exist in %(zone)s: the clocks jump forward at that time."
    " Did you mean %(suggestion)s?"
)

# Names that are valid files but wrong for a server: `localtime` follows the host's clock and
# `Factory` has no offset at all.
_EXCLUDED = frozenset({"localtime", "Factory"})

# The days the portal plans on. Far wider than any booking, and far enough from year 1 and
# 9999 that a zone offset or a week's arithmetic never leaves what `datetime` can hold.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


class UnknownTimeZone(DomainError):
    status = 422


class NonexistentLocalTime(DomainError):
    status = 422

    def __init__(self, local: datetime, zone_name: str, suggestion: datetime) -> None:
        params = {
            "date": local.date().isoformat(),
            "time": local.strftime("%H:%M"),
            "zone": zone_name,
            "suggestion": suggestion.strftime("%H:%M"),
        }
        super().__init__(NONEXISTENT_TIME, params)
        self.local = local
        self.suggestion = suggestion


class DayOutOfRange(DomainError):
    status = 422

    def __init__(self) -> None:
        super().__init__(
            DAY_OUT_OF_RANGE, {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
        )


def in_supported_range(day: date) -> bool:
    """Whether `day` is one the portal plans on (`FIRST_DAY` to `LAST_DAY`)."""
    return FIRST_DAY <= day <= LAST_DAY


@dataclass(frozen=True, slots=True)
class UtcRange:
    """`[start, end)` in UTC; a local day is 23, 24 or 25 hours long."""

    start: datetime
    end: datetime

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones() - _EXCLUDED)


def zone_names() -> list[str]:
    """All accepted zone names, sorted, for a picker."""
    return sorted(_known_zones())


def zone(name: str) -> ZoneInfo:
    """The zone called `name`, or `UnknownTimeZone`."""
    if name not in _known_zones():
        raise UnknownTimeZone(UNKNOWN_ZONE, {"zone": name})
    return ZoneInfo(name)


def local_to_utc(local: datetime, tz: str) -> datetime:
    """UTC instant of a naive wall time in `tz`; refuses gaps and days out of range, takes
    the first of a fold."""
    if local.tzinfo is not None:
        raise ValueError("local_to_utc expects a naive wall time")
    if not in_supported_range(local.date()):
        raise DayOutOfRange()
    zone_info = zone(tz)
    moment = local.replace(tzinfo=zone_info, fold=0).astimezone(UTC)
    # In a gap, fold=0 applies the offset from before the jump, so the round trip lands later.
    back = moment.astimezone(zone_info).replace(tzinfo=None)
    if back != local:
        raise NonexistentLocalTime(local, tz, suggestion=back)
    return moment


def utc_to_local(moment: datetime, tz: str) -> datetime:
    """`moment` as an aware datetime in `tz`."""
    if moment.tzinfo is None:
        raise ValueError("utc_to_local expects an aware datetime")
    return moment.astimezone(zone(tz))


def local_date(moment: datetime, tz: str) -> date:
    """The calendar date in `tz` at `moment`."""
    return utc_to_local(moment, tz).date()


def _first_instant(day: date, zone_info: ZoneInfo) -> datetime:
    # A midnight inside a DST gap (Cairo, Beirut, Santiago jump 00:00 -> 01:00) gets the
    # pre-jump offset with fold=0, which is exactly the instant the new day begins.
    return datetime.combine(day, time(0), tzinfo=zone_info).astimezone(UTC)


def day_range(day: date, tz: str) -> UtcRange:
    """The local calendar day `day` in `tz` as a UTC range."""
    zone_info = zone(tz)
    return UtcRange(_first_instant(day, zone_info), _first_instant(day + timedelta(1), zone_info))


def week_start(day: date) -> date:
    """The Monday on or before `day`."""
    return day - timedelta(days=day.weekday())


def week_range(day: date, tz: str) -> UtcRange:
    """The Monday-to-Sunday local week containing `day` in `tz` as a UTC range."""
    zone_info = zone(tz)
    monday = week_start(day)
    return UtcRange(
        _first_instant(monday, zone_info), _first_instant(monday + timedelta(7), zone_info)
    )


def today_range(now: datetime, tz: str) -> UtcRange:
    """Today in `tz` (as of `now`) as a UTC range."""
    return day_range(local_date(now, tz), tz)


def this_week_range(now: datetime, tz: str) -> UtcRange:
    """This Monday-start week in `tz` (as of `now`) as a UTC range."""
    return week_range(local_date(now, tz), tz)
