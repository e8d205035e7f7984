"""HR's share-link controls: regenerate (the old link stops working) and revoke; audited.

The same panel shows the candidate's open request for another time, which HR can close.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.db import audit, share_links
from portal.db.database import Database
from portal.db.reschedule_requests import RescheduleRequest, mark_handled, open_reschedule_requests
from portal.db.share_links import ShareLink
from portal.errors import NotFound
from portal.live import Broadcaster, LiveEvent
from portal.scheduling import Actor


@dataclass(frozen=True)
class LinkState:
    """What HR's link panel shows: the current link (if any) and its state now."""

    interview_id: int
    link: ShareLink | None
    state: str  # active, expired, none
    request: RescheduleRequest | None = None  # the candidate's open request, if any


async def link_state(db: Database, interview_id: int, *, now: datetime) -> LinkState:
    if await share_links.interview_ends_at(db, interview_id) is None:
        raise NotFound()
    link = await share_links.active_link_for(db, interview_id)
    requests = await open_reschedule_requests(db, [interview_id])
    state = link.state(now) if link else "none"
    return LinkState(interview_id, link, state, requests.get(interview_id))


async def regenerate(
    db: Database, *, interview_id: int, actor: Actor, grace_hours: int, now: datetime
) -> LinkState:
    """A fresh link; every earlier one of the interview is revoked."""
    async with db.transaction():
        link_id = await share_links.regenerate(
            db,
            interview_id=interview_id,
            created_by=actor.person_id,
            grace_hours=grace_hours,
            now=now,
        )
        if link_id is None:
            raise NotFound()
        await audit.record(
            db,
            "share_link_regenerated",
            actor=actor,
            at=now,
            target_kind="interview",
            target_id=interview_id,
            detail={"link_id": link_id},
        )
    return await link_state(db, interview_id, now=now)


async def revoke(db: Database, *, interview_id: int, actor: Actor, now: datetime) -> LinkState:
    """The interview's links stop working; HR can make a new one later."""
    async with db.transaction():
        if await share_links.interview_ends_at(db, interview_id) is None:
            raise NotFound()
        count = await share_links.revoke(db, interview_id=interview_id, at=now)
        await audit.record(
            db,
            "share_link_revoked",
            actor=actor,
            at=now,
            target_kind="interview",
            target_id=interview_id,
            detail={"revoked": count},
        )
    return await link_state(db, interview_id, now=now)


async def close_request(
    db: Database, broadcaster: Broadcaster, *, interview_id: int, actor: Actor, now: datetime
) -> LinkState:
    """HR has dealt with the candidate's request (rescheduled, called them, or declined it)."""
    async with db.transaction():
        if await share_links.interview_ends_at(db, interview_id) is None:
            raise NotFound()
        count = await mark_handled(
            db, interview_id=interview_id, handled_by=actor.person_id, at=now
        )
        await audit.record(
            db,
            "reschedule_request_handled",
            actor=actor,
            at=now,
            target_kind="interview",
            target_id=interview_id,
            detail={"requests": count},
        )
    await broadcaster.publish(LiveEvent(interview_id, "reschedule_request"))
    return await link_state(db, interview_id, now=now)
