"""The notification jobs `portal worker` (and `portal serve` without --no-worker) runs."""

from __future__ import annotations

from datetime import timedelta

from portal.clock import Clock
from portal.db.database import Database
from portal.db.wecom_events import prune_events
from portal.directory.service import RoleSources
from portal.i18n import Catalogs
from portal.notifications.digest import enqueue_digests
from portal.notifications.prepare import Delivery
from portal.notifications.worker import OutboxWorker
from portal.periodic import Job
from portal.settings import Settings
from portal.wecom import WeComClient

# WeCom retries a callback within seconds; a day of event keys is plenty for dedupe.
CALLBACK_EVENTS_KEPT = timedelta(days=2)


def notification_jobs(
    db: Database,
    wecom: WeComClient,
    catalogs: Catalogs,
    settings: Settings,
    role_sources: RoleSources,
    clock: Clock,
) -> list[Job]:
    delivery = Delivery(
        db,
        wecom,
        catalogs,
        settings.base_url,
        settings.timezone,
        role_sources,
        mail=settings.mail,
        secret_key=str(settings.secret_key),
        company_name=settings.company_name,
    )
    worker = OutboxWorker(delivery, clock=clock)

    async def digests() -> None:
        await enqueue_digests(db, now=clock.now(), default_zone=settings.timezone)

    async def prune() -> None:
        await prune_events(db, before=clock.now() - CALLBACK_EVENTS_KEPT)

    return [
        # No pause between turns: a turn waits by itself when nothing is due.
        Job("outbox", worker.turn, interval=0.0),
        Job("daily-digest", digests, interval=600),
        Job("callback-events-prune", prune, interval=3600),
    ]
