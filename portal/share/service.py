"""The candidate's use cases behind a share link: open it, answer, ask for another time.

Each action is rate-limited per link, then checked against the same rules the page used,
then written with its audit row and outbox rows in one transaction; the live event follows
the commit. Confirm, check-in and cancel run the interview's own steps (`panel.move`,
`booking.call_off`) inside that transaction.

Raises:
    ActionRefused: the interview's state or the clock forbids the action now (409).
    TooManyAttempts: the link acted too often (429).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from portal.db import audit
from portal.db.database import Database
from portal.db.reschedule_requests import Window, add_request, windows_json
from portal.db.share_view import save_candidate_timezone
from portal.interviews.booking import call_off
from portal.interviews.common import announce
from portal.interviews.panel import move
from portal.live import Broadcaster, LiveEvent
from portal.scheduling import (
    RescheduleRequest,
    Status,
    can_cancel,
    can_check_in,
    can_confirm,
)
from portal.share import ratelimit
from portal.share.opening import OpenedLink
from portal.share.page import can_request_reschedule
from portal.share.status import allowed, report, require, tell_hr


async def request_reschedule(
    db: Database,
    broadcaster: Broadcaster,
    opened: OpenedLink,
    request: RescheduleRequest,
    *,
    now: datetime,
) -> int:
    """Store the candidate's proposed windows for HR and tell HR; returns the request id."""
    await ratelimit.admit(db, link_id=opened.link.id, action="reschedule", now=now)
    interview = opened.interview.detail
    require(can_request_reschedule(now, status=interview.status, starts_at=interview.starts_at))
    windows = [Window(slot.starts_at, slot.ends_at) for slot in request.windows]
    async with db.transaction():
        request_id = await add_request(
            db,
            interview_id=interview.id,
            link_id=opened.link.id,
            windows=windows,
            timezone=request.timezone,
            message=request.message,
            now=now,
        )
        detail = {"link_id": opened.link.id, "request_id": request_id}
        await _record(db, opened, "candidate_reschedule_requested", detail, now=now)
        payload = {
            "interview_id": interview.id,
            "version": interview.version,
            "request_id": request_id,
            "windows": windows_json(windows),
            "timezone": request.timezone,
            "message": request.message,
        }
        kind = "candidate_reschedule_request"
        await tell_hr(db, interview, kind, payload, tag=f"r{request_id}", now=now)
    await broadcaster.publish(LiveEvent(interview.id, "reschedule_request"))
    return request_id


async def confirm(
    db: Database,
    broadcaster: Broadcaster,
    opened: OpenedLink,
    *,
    timezone: str | None,
    now: datetime,
) -> None:
    """Status confirmed; the zone the browser reported is kept on the candidate."""
    await ratelimit.admit(db, link_id=opened.link.id, action="confirm", now=now)
    async with db.transaction():
        current = await allowed(
            db, opened, lambda c: can_confirm(now, status=c.status, ends_at=c.ends_at)
        )
        moved = await move(db, current, Status.CONFIRMED, actor=opened.actor, now=now)
        await report(db, opened, current, moved, now=now)
        if timezone:
            await save_candidate_timezone(db, candidate_id=current.candidate_id, timezone=timezone)
    await announce(db, broadcaster, current.id, "status", moved.event_id)


async def check_in(
    db: Database, broadcaster: Broadcaster, opened: OpenedLink, *, now: datetime
) -> None:
    """Status checked_in: HR and the interviewers see the candidate is here."""
    await ratelimit.admit(db, link_id=opened.link.id, action="checkin", now=now)
    async with db.transaction():
        current = await allowed(
            db,
            opened,
            lambda c: can_check_in(now, status=c.status, starts_at=c.starts_at, ends_at=c.ends_at),
        )
        moved = await move(db, current, Status.CHECKED_IN, actor=opened.actor, now=now)
        await report(db, opened, current, moved, now=now)
    await announce(db, broadcaster, current.id, "status", moved.event_id)


async def cancel(
    db: Database,
    broadcaster: Broadcaster,
    opened: OpenedLink,
    *,
    reason: str | None,
    cutoff_hours: int,
    now: datetime,
) -> None:
    """The candidate calls the interview off, until `cutoff_hours` before the start."""
    await ratelimit.admit(db, link_id=opened.link.id, action="cancel", now=now)
    async with db.transaction():
        current = await allowed(
            db,
            opened,
            lambda c: can_cancel(
                now, status=c.status, starts_at=c.starts_at, cutoff_hours=cutoff_hours
            ),
        )
        moved = await call_off(db, current, actor=opened.actor, reason=reason, now=now)
        await report(db, opened, current, moved, note=reason, now=now)
    await announce(db, broadcaster, current.id, "cancelled", moved.event_id)


async def _record(
    db: Database, opened: OpenedLink, action: str, detail: Mapping[str, object], *, now: datetime
) -> None:
    await audit.record(
        db,
        action,
        actor=opened.actor,
        at=now,
        target_kind="interview",
        target_id=opened.interview.id,
        detail=dict(detail),
    )
