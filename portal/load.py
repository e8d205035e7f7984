"""HR's load page: who interviews how much, and how much of it the busiest 30% carry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from portal.db.database import Database
from portal.db.load import InterviewerLoad, LoadWindows, interviewer_load
from portal.scheduling import UtcRange, day_range, local_date, this_week_range
from portal.scheduling.load import (
    BUSIEST_FRACTION,
    BarChart,
    bar_chart,
    busiest_count,
    busiest_share,
)

RECENT_DAYS = 90
SORTS = ("name", "week", "month", "recent", "declines", "no_shows")
DEFAULT_SORT = "recent"


@dataclass(frozen=True)
class LoadReport:
    rows: list[InterviewerLoad]  # in the order asked for
    sort: str
    busiest: int  # how many people the busiest 30% is
    people: int
    share: float  # of the last 90 days' interviews, 0 to 1
    total: int  # the last 90 days' interviews, seat by seat
    chart: BarChart  # the 90-day counts, busiest first


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def windows_at(now: datetime, zone: str) -> LoadWindows:
    """This Monday week and this calendar month in `zone`, and the 90 days before `now`."""
    first = local_date(now, zone).replace(day=1)
    month = UtcRange(day_range(first, zone).start, day_range(_next_month(first), zone).start)
    recent = UtcRange(now - timedelta(days=RECENT_DAYS), now)
    return LoadWindows(week=this_week_range(now, zone), month=month, recent=recent)


def _ordered(rows: list[InterviewerLoad], sort: str) -> list[InterviewerLoad]:
    if sort == "name":
        return rows  # the query sorts by name
    return sorted(rows, key=lambda row: (-getattr(row, sort), row.name, row.person_id))


async def load_report(db: Database, *, now: datetime, zone: str, sort: str) -> LoadReport:
    """The load of every interviewer as of `now`, counted in the viewer's `zone`.

    An unknown `sort` falls back to the last 90 days, busiest first.
    """
    sort = sort if sort in SORTS else DEFAULT_SORT
    rows = await interviewer_load(db, windows=windows_at(now, zone))
    recent = [row.recent for row in rows]
    busiest_first = _ordered(rows, "recent")
    return LoadReport(
        rows=_ordered(rows, sort),
        sort=sort,
        busiest=busiest_count(len(rows), BUSIEST_FRACTION),
        people=len(rows),
        share=busiest_share(recent, BUSIEST_FRACTION),
        total=sum(recent),
        chart=bar_chart([(row.display_name, row.recent) for row in busiest_first]),
    )
