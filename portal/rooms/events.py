"""The platform's reports about a room, applied to its interview once.

A webhook is recorded (`db.rooms.remember_platform_event`, keyed on event and room uid)
before the portal answers, and applied afterwards; `apply_unapplied` finishes any whose work
was cut short. Reconciliation records and applies what it finds the same way, so an event
seen twice, by either path, changes the interview once.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from portal.db import rooms as store
from portal.db.database import Database
from portal.db.rooms import PlatformEvent
from portal.interviews import notify
from portal.interviews.common import Publisher, locked
from portal.interviews.panel import move
from portal.live import LiveEvent
from portal.platform import InvalidWebhook, parse_event, verify
from portal.scheduling import Actor, ActorKind
from portal.scheduling.rooms import REPORTED_AT, RoomEvent, furthest, platform_moves

log = logging.getLogger(__name__)

WEBHOOK, RECONCILE = "webhook", "reconcile"
# Work after the answer normally takes milliseconds; older unapplied events were cut short.
CUT_SHORT_AFTER = timedelta(seconds=30)
# A reported time further than this from the portal's clock is not trusted (clock skew).
_PLAUSIBLE = timedelta(days=1)


def known_event(name: str) -> RoomEvent | None:
    try:
        return RoomEvent(name)
    except ValueError:
        return None


async def record(
    db: Database,
    event: RoomEvent,
    uid: str,
    *,
    rate: int | None,
    ts: int | None,
    source: str,
    now: datetime,
) -> PlatformEvent | None:
    """Remember a report; None when it was already recorded (a retry or a reconciled one)."""
    fresh = await store.remember_platform_event(
        db, event=event.value, uid=uid, rate=rate, ts=ts, source=source, now=now
    )
    return PlatformEvent(event.value, uid, rate, ts) if fresh else None


def _happened_at(ts: int | None, now: datetime) -> datetime:
    if ts is None:
        return now
    at = datetime.fromtimestamp(ts, UTC)
    return at if abs(at - now) <= _PLAUSIBLE else now


async def apply(
    db: Database, broadcaster: Publisher, event: PlatformEvent, *, now: datetime
) -> bool:
    """Apply a recorded report to the room and its interview; False if nothing was left to do.

    The platform's status only moves forward; the interview follows through the state
    machine as the platform (`platform_moves`); an end stores the rating and asks the panel
    for feedback now.
    """
    reported = RoomEvent(event.event)
    event_id = None
    async with db.transaction():
        if not await store.mark_applied(db, event, now=now):
            return False
        interview_id = await store.interview_for_room(db, event.uid)
        if interview_id is None:
            log.warning("platform %s for unknown room %s ignored", event.event, event.uid)
            return False
        current = await locked(db, interview_id, None)
        at = _happened_at(event.ts, now)
        before = current.room.platform_status if current.room else None
        await store.record_room_status(
            db,
            interview_id,
            status=furthest(reported, before),
            column=REPORTED_AT[reported],
            at=at,
            rating=event.rate if reported == RoomEvent.ENDED else None,
            now=now,
        )
        actor = Actor(ActorKind.PLATFORM, event.uid)
        for target in platform_moves(current.status, reported):
            moved = await move(db, current, target, actor=actor, now=now)
            current = replace(current, status=moved.status, version=moved.version)
            event_id = moved.event_id
        if reported == RoomEvent.ENDED:
            await notify.chase_feedback_now(db, interview_id, now=now)
    log.info("platform %s applied to interview %s", event.event, interview_id)
    await broadcaster.publish(LiveEvent(interview_id, "room", event_id))
    return True


async def apply_unapplied(db: Database, broadcaster: Publisher, *, now: datetime) -> int:
    """Finish reports whose work after the answer never ran (a crash, a restart)."""
    pending = await store.unapplied_events(db, received_before=now - CUT_SHORT_AFTER, limit=200)
    return sum([await apply(db, broadcaster, event, now=now) for event in pending])


class WebhookRefused(Exception):
    """A webhook the portal will not take: 401 (signature) or 400 (malformed)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def intake(
    db: Database, body: bytes, signature: str | None, *, secret: str, now: datetime
) -> PlatformEvent | None:
    """Check and record a webhook; returns the event to apply after answering, or None when
    there is nothing to do (a retry already recorded, an event the portal does not use)."""
    if not verify(body, signature, secret):
        raise WebhookRefused(401, "bad or missing signature")
    try:
        parsed = parse_event(body)
    except InvalidWebhook as exc:
        raise WebhookRefused(400, exc.reason) from exc
    event = known_event(parsed.event)
    if event is None:
        log.info("platform event %r acknowledged and ignored", parsed.event[:64])
        return None
    return await record(
        db, event, parsed.uid, rate=parsed.rate, ts=parsed.ts, source=WEBHOOK, now=now
    )


async def apply_logged(
    db: Database, broadcaster: Publisher, event: PlatformEvent, *, now: datetime
) -> None:
    """`apply` after the answer has gone: a failure is logged, and the sweep applies it later."""
    try:
        await apply(db, broadcaster, event, now=now)
    except Exception:
        log.exception("platform %s for room %s not applied yet", event.event, event.uid)
