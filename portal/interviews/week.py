"""The week views, laid out in Python: a time grid per day, and who is busy when (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from portal.db.interviews import InterviewDetail
from portal.scheduling import utc_to_local

FIRST_HOUR, LAST_HOUR = 8, 19  # always shown; earlier or later hours appear when booked


@dataclass(frozen=True)
class HourRow:
    hour: int
    cells: list[list[InterviewDetail]]  # one list per day, Monday first


@dataclass(frozen=True)
class BusyRow:
    person_id: int
    name: str
    days: list[list[InterviewDetail]]  # one list per day, Monday first


def week_days(monday: date) -> list[date]:
    return [monday + timedelta(days=n) for n in range(7)]


def _day_index(interview: InterviewDetail, monday: date, zone: str) -> int | None:
    index = (utc_to_local(interview.starts_at, zone).date() - monday).days
    return index if 0 <= index < 7 else None


def time_grid(interviews: Sequence[InterviewDetail], monday: date, zone: str) -> list[HourRow]:
    """Hour rows of the week in `zone`; each interview sits in the hour it starts."""
    placed = [
        (i, _day_index(i, monday, zone), utc_to_local(i.starts_at, zone).hour) for i in interviews
    ]
    hours = [hour for _, index, hour in placed if index is not None]
    first, last = min([FIRST_HOUR, *hours]), max([LAST_HOUR, *hours])
    rows = [HourRow(hour, [[] for _ in range(7)]) for hour in range(first, last + 1)]
    for interview, index, hour in placed:
        if index is not None:
            rows[hour - first].cells[index].append(interview)
    return rows


def busy_rows(interviews: Sequence[InterviewDetail], monday: date, zone: str) -> list[BusyRow]:
    """One row per interviewer booked this week, their interviews under each day."""
    rows: dict[int, BusyRow] = {}
    for interview in interviews:
        index = _day_index(interview, monday, zone)
        if index is None:
            continue
        for member in interview.panel:
            row = rows.setdefault(
                member.person_id,
                BusyRow(member.person_id, member.display_name, [[] for _ in range(7)]),
            )
            row.days[index].append(interview)
    return sorted(rows.values(), key=lambda row: row.name)
