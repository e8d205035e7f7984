"""The candidate's use cases behind a share link: open it, answer, ask for another time.

Each action is rate-limited per link, then checked against the same rules the page used,
then written with its audit row and outbox rows in one transaction; the live event follows
the commit.

Raises:
    ActionRefused: the interview's state or the clock forbids the action now (409).
    TooManyAttempts: the link acted too often (429).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from portal.db import audit
from portal.db.database import Database
from portal.db.interviews import hr_recipients
from portal.db.outbox import dedupe_key, enqueue
from portal.db.reschedule_requests import Window, add_request, windows_json
from portal.live import Broadcaster, LiveEvent
from portal.scheduling import (
    RescheduleRequest,
    Status,
    can_cancel,
    can_check_in,
    can_confirm,
)
from portal.share import ratelimit, status
from portal.share.opening import OpenedLink
from portal.share.page import can_request_reschedule
from portal.share.status import require


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
            "request_id": request_id,
            "windows": windows_json(windows),
            "timezone": request.timezone,
            "message": request.message,
        }
        await tell_hr(
            db, opened, "candidate_reschedule_request", payload, tag=f"r{request_id}", now=now
        )
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
    await status.change(
        db,
        broadcaster,
        opened,
        target=Status.CONFIRMED,
        rule=lambda current: can_confirm(now, status=current.status, ends_at=current.ends_at),
        now=now,
        extra=status.keep_timezone(db, timezone),
    )


async def check_in(
    db: Database, broadcaster: Broadcaster, opened: OpenedLink, *, now: datetime
) -> None:
    """Status checked_in: HR and the interviewers see the candidate is here."""
    await ratelimit.admit(db, link_id=opened.link.id, action="checkin", now=now)
    await status.change(
        db,
        broadcaster,
        opened,
        target=Status.CHECKED_IN,
        rule=lambda current: can_check_in(
            now, status=current.status, starts_at=current.starts_at, ends_at=current.ends_at
        ),
        now=now,
    )


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
    await status.change(
        db,
        broadcaster,
        opened,
        target=Status.CANCELLED,
        rule=lambda current: can_cancel(
            now, status=current.status, starts_at=current.starts_at, cutoff_hours=cutoff_hours
        ),
        now=now,
        values={"cancel_reason": reason},
        note=reason,
        extra=status.free_the_panel(db, reason, now=now),
    )


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


async def tell_hr(
    db: Database,
    opened: OpenedLink,
    kind: str,
    extra: dict[str, object],
    *,
    tag: object,
    now: datetime,
) -> None:
    """One outbox row per HR recipient, inside the caller's transaction."""
    interview = opened.interview.detail
    payload = {"interview_id": interview.id, "version": interview.version, **extra}
    for userid in await hr_recipients(db, interview.created_by):
        await enqueue(
            db,
            kind=kind,
            recipient=userid,
            payload=payload,
            dedupe=dedupe_key(kind, interview.id, userid, tag),
            now=now,
            interview_id=interview.id,
        )
