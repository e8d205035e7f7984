"""A candidate's requests for another time, kept until HR handles them (board badge)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from portal.db.database import Database, Row
from portal.db.tables import reschedule_requests


@dataclass(frozen=True)
class Window:
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class RescheduleRequest:
    id: int
    interview_id: int
    link_id: int | None
    windows: tuple[Window, ...]
    timezone: str
    message: str | None
    created_at: datetime
    handled_at: datetime | None
    handled_by: int | None


def _request(row: Row) -> RescheduleRequest:
    windows = tuple(
        Window(datetime.fromisoformat(item["starts_at"]), datetime.fromisoformat(item["ends_at"]))
        for item in row["windows"]
    )
    values = {name: row[name] for name in RescheduleRequest.__dataclass_fields__}
    return RescheduleRequest(**(values | {"windows": windows}))


def windows_json(windows: Sequence[Window]) -> list[dict[str, str]]:
    """Windows as stored (and sent in outbox payloads): ISO 8601 in UTC."""
    return [
        {
            "starts_at": window.starts_at.astimezone(UTC).isoformat(),
            "ends_at": window.ends_at.astimezone(UTC).isoformat(),
        }
        for window in windows
    ]


async def add_request(
    db: Database,
    *,
    interview_id: int,
    link_id: int | None,
    windows: Sequence[Window],
    timezone: str,
    message: str | None,
    now: datetime,
) -> int:
    """Store a new open request; call inside the caller's transaction."""
    request_id = await db.execute(
        reschedule_requests.insert().values(
            interview_id=interview_id,
            link_id=link_id,
            windows=windows_json(windows),
            timezone=timezone,
            message=message,
            created_at=now,
        )
    )
    return int(request_id)


async def open_reschedule_requests(
    db: Database, interview_ids: Sequence[int]
) -> dict[int, RescheduleRequest]:
    """The newest unhandled request per interview, for the ids that have one."""
    if not interview_ids:
        return {}
    rows = await db.fetch_all(
        sa.select(reschedule_requests)
        .where(
            reschedule_requests.c.interview_id.in_(list(interview_ids)),
            reschedule_requests.c.handled_at.is_(None),
        )
        .order_by(reschedule_requests.c.id)
    )
    # Ascending ids: a later request for the same interview overwrites an earlier one.
    return {row["interview_id"]: _request(row) for row in rows}


async def mark_handled(
    db: Database, *, interview_id: int, handled_by: int | None, at: datetime
) -> int:
    """Close the interview's open requests (HR rescheduled, cancelled or dismissed them)."""
    condition = sa.and_(
        reschedule_requests.c.interview_id == interview_id,
        reschedule_requests.c.handled_at.is_(None),
    )
    count = await db.fetch_val(
        sa.select(sa.func.count()).select_from(reschedule_requests).where(condition)
    )
    await db.execute(
        reschedule_requests.update().where(condition).values(handled_at=at, handled_by=handled_by)
    )
    return int(count or 0)
