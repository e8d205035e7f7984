"""Broadcasters: the in-process hub (SQLite) and PostgreSQL LISTEN/NOTIFY (many processes)."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import random

from portal.clock import SYSTEM_CLOCK, Clock
from portal.db import live_events
from portal.db.database import Database, DatabaseUnavailable
from portal.db.listen import ChannelListener
from portal.live.events import FanOut, LiveEvent, Published

log = logging.getLogger(__name__)

CHANNEL = "portal_live"


async def record(
    db: Database, event: LiveEvent, *, clock: Clock, notify: str | None = None
) -> int | None:
    """Append the event to the feed; None (logged) if that failed.

    The change itself is already committed: failing here must not turn it into an error for
    the person who made it. Their viewers miss this one live update at worst.
    """
    try:
        return await live_events.append(
            db,
            interview_id=event.interview_id,
            kind=event.kind,
            at=clock.now(),
            notify=notify,
        )
    except Exception:  # driver errors vary (asyncpg, sqlite3, OSError); all mean "not recorded"
        log.warning("live event for interview %s not recorded", event.interview_id, exc_info=True)
        return None


class InProcessHub(FanOut):
    """Fan-out inside one process (SQLite; tests). Without a database, ids count from 1."""

    def __init__(
        self, db: Database | None = None, *, queue_size: int = 1000, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        super().__init__(queue_size=queue_size)
        self._db = db
        self._clock = clock
        self._ids = itertools.count(1)

    async def publish(self, event: LiveEvent) -> None:
        if self._db is not None:
            live_id = await record(self._db, event, clock=self._clock)
        else:
            live_id = next(self._ids)
        self.deliver(Published(live_id, event.interview_id, event.kind))

    async def start(self) -> None:
        """Nothing to start; here so both broadcasters share one lifecycle."""

    async def close(self) -> None:
        self.drain()


class PostgresBroadcaster(FanOut):
    """NOTIFY on publish; one LISTEN connection per process fans out to its subscribers.

    Every process, the publisher's included, receives its events through LISTEN, so there is
    one path and one order. When the listener connection is lost it reconnects with backoff
    and then resets its subscribers: NOTIFYs sent meanwhile are gone, and the browsers catch
    up exactly from the feed with their Last-Event-ID.
    """

    def __init__(
        self,
        db: Database,
        *,
        queue_size: int = 1000,
        ping_interval: float = 15.0,
        backoff: tuple[float, float] = (0.25, 10.0),
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        super().__init__(queue_size=queue_size)
        self._db = db
        self._clock = clock
        self._listener = ChannelListener(db.url, CHANNEL, self._on_payload)
        self._ping_interval = ping_interval
        self._backoff = backoff
        self._task: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()

    async def publish(self, event: LiveEvent) -> None:
        live_id = await record(self._db, event, clock=self._clock, notify=CHANNEL)
        if live_id is None:
            # No NOTIFY went out either: at least this process's viewers see the change.
            self.deliver(Published(None, event.interview_id, event.kind))

    async def start(self) -> None:
        """Listen before the app serves (so its first streams miss nothing); if the database
        is unreachable now, keep trying in the background."""
        connected = await self._connect()
        self._task = asyncio.create_task(self._supervise(connected), name="live-listener")

    async def close(self) -> None:
        self.drain()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._listener.close()

    def _on_payload(self, payload: str) -> None:
        try:
            data = json.loads(payload)
            item = Published(int(data["id"]), int(data["interview_id"]), str(data["kind"]))
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring malformed live notification %.200r", payload)
            return
        self.deliver(item)

    async def _connect(self) -> bool:
        try:
            await self._listener.connect(timeout=self._db.connect_timeout)
        except DatabaseUnavailable as exc:  # unreachable, refused, auth: all retried alike
            log.warning("live listener cannot connect: %s", exc)
            return False
        self.reset()  # NOTIFYs before this point are lost: subscribers resume from the feed
        self.listening.set()
        return True

    async def _supervise(self, connected: bool) -> None:
        delay = self._backoff[0]
        while True:
            if not connected:
                await asyncio.sleep(delay * random.uniform(0.5, 1.0))
                delay = min(delay * 2, self._backoff[1])
                connected = await self._connect()
                continue
            delay = self._backoff[0]
            await self._watch()
            self.listening.clear()
            log.warning("live listener connection lost; reconnecting")
            connected = await self._connect()

    async def _watch(self) -> None:
        """Return once the listener connection is gone (closed by the server, or no answer)."""
        while not await self._listener.wait_lost(self._ping_interval):
            try:
                await self._listener.ping()
            except DatabaseUnavailable:  # the next connect attempt reports what is wrong
                return
