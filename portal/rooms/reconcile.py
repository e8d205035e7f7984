"""Reconciliation: webhooks get lost, so ask the platform about rooms that went quiet.

A room whose interview should have started (or ended) a few minutes ago, with no such
report, is looked up in the platform's list; what the list says is recorded and applied
exactly as a webhook would be (`events.record` + `events.apply`), so it happens once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from portal.db import rooms as store
from portal.db.database import Database
from portal.interviews.common import Publisher
from portal.platform import PlatformClient, Room
from portal.rooms import events
from portal.scheduling.rooms import REPORTED_AT, RoomEvent

log = logging.getLogger(__name__)

AFTER_START = timedelta(minutes=5)  # the room usually reports within a minute of starting
EVERY = timedelta(minutes=5)  # do not ask about the same room more often than this
BATCH = 100
MAX_PAGES = 20


async def reconcile(
    db: Database, platform: PlatformClient, broadcaster: Publisher, *, now: datetime
) -> int:
    """One pass; returns how many reports it applied."""
    watched = await store.rooms_to_reconcile(
        db, now=now, after_start=AFTER_START, every=EVERY, limit=BATCH
    )
    if not watched:
        return 0
    wanted = {room.uid: room for room in watched}
    since = min(room.created_at for room in watched) - timedelta(days=1)
    found = await _listed(platform, set(wanted), since)
    applied = 0
    for uid, room in found.items():
        reported = events.known_event(room.status or "")
        if reported is None:
            continue
        ts = _ts(room, reported)
        rate = room.rate if reported == RoomEvent.ENDED else None
        recorded = await events.record(
            db, reported, uid, rate=rate, ts=ts, source=events.RECONCILE, now=now
        )
        if recorded is not None and await events.apply(db, broadcaster, recorded, now=now):
            log.info("reconciled %s for room %s", reported.value, uid)
            applied += 1
    await store.mark_reconciled(db, [room.interview_id for room in watched], now=now)
    return applied


async def _listed(platform: PlatformClient, uids: set[str], since: datetime) -> dict[str, Room]:
    """The watched rooms as the platform lists them (the list has no filter by uid)."""
    found: dict[str, Room] = {}
    statuses = [event.value for event in RoomEvent]
    for number in range(1, MAX_PAGES + 1):
        page = await platform.list_interviews(
            statuses=statuses, created_from=since, page=number, per_page=100
        )
        found.update({room.uid: room for room in page.rooms if room.uid in uids})
        if len(found) == len(uids) or number * page.per_page >= page.total:
            break
    return found


def _ts(room: Room, reported: RoomEvent) -> int | None:
    at: datetime | None = getattr(room, REPORTED_AT[reported])
    return None if at is None else int(at.timestamp())
