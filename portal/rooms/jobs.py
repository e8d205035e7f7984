"""The rooms' background jobs: the worker, the reconciliation pass, the unapplied sweep."""

from __future__ import annotations

from portal.clock import Clock
from portal.db.database import Database
from portal.interviews.common import Publisher
from portal.periodic import Job
from portal.platform import PlatformClient
from portal.rooms.events import apply_unapplied
from portal.rooms.provision import PortalPages, RoomWorker
from portal.rooms.reconcile import reconcile
from portal.settings import Settings


def room_jobs(
    db: Database,
    platform: PlatformClient,
    broadcaster: Publisher,
    settings: Settings,
    clock: Clock,
) -> list[Job]:
    worker = RoomWorker(db, platform, broadcaster, PortalPages(settings.base_url), clock=clock)

    async def reconcile_pass() -> None:
        await reconcile(db, platform, broadcaster, now=clock.now())

    async def sweep() -> None:
        await apply_unapplied(db, broadcaster, now=clock.now())

    return [
        # No pause between turns: a turn waits by itself when nothing is due.
        Job("rooms", worker.turn, interval=0.0),
        Job("rooms-reconcile", reconcile_pass, interval=60),
        Job("platform-events-sweep", sweep, interval=30),
    ]
