"""The rooms worker: make the room the booking asked for, or tell the platform of a change.

It works like the outbox worker: claim due rooms under a lease, call the platform a few at
a time, write each result only while the claim holds. A create is never sent twice blindly:
the first attempt is remembered before it goes out, and every later attempt first looks
for the room in the platform's list (a create can time out after the platform made it).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.clock import SYSTEM_CLOCK, Clock
from portal.db import audit
from portal.db import rooms as store
from portal.db.database import Database
from portal.db.rooms import RoomLinks, RoomTask
from portal.interviews.common import Publisher
from portal.live import LiveEvent
from portal.platform import (
    Interviewer,
    NewRoom,
    PlatformClient,
    PlatformError,
    Room,
    RoomEdit,
    RoomNotFound,
)
from portal.scheduling import Actor

log = logging.getLogger(__name__)

MAX_SEATS = 5  # the platform's limit of interviewers per room
ERROR_PAUSE = 2.0
# A create that timed out shows up in the platform's list within this window of being sent.
FIND_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class RoomsConfig:
    batch_size: int = 64
    # Platform calls in flight at once: a full batch goes out in two waves. With 16 (four
    # waves) the worker fell behind 60 bookings a second on PostgreSQL (bench/rooms.py).
    concurrency: int = 32
    lease: float = 60.0  # longer than a call (HTTP timeout 10 s) plus a list and the writes
    idle_poll: float = 0.25
    max_attempts: int = 8  # about 20 minutes of retries, then HR sees the failure
    base_delay: float = 5.0
    max_delay: float = 600.0

    def backoff(self, attempts: int, rng: Callable[[], float]) -> float:
        raw = self.base_delay * 2.0 ** max(attempts - 1, 0)
        return float(min(self.max_delay, raw) * (0.5 + rng()))


@dataclass(frozen=True)
class PortalPages:
    """The portal pages the platform links back to (inside the room, and after it)."""

    base_url: str

    def marker(self, interview_id: int) -> str:
        """The room's `redirect_uri`: also how a room this portal made is recognised."""
        return f"{self.base_url}/mine/{interview_id}"

    def evaluation(self, interview_id: int) -> str:
        return f"{self.base_url}/mine/{interview_id}#feedback"


def placeholder_email(userid: str) -> str:
    """The platform needs an email or a phone; a member without one gets a stable stand-in."""
    return f"{userid}@wecom.invalid"


class RoomWorker:
    """Makes and edits rooms; safe to run in several processes at once."""

    def __init__(
        self,
        db: Database,
        platform: PlatformClient,
        broadcaster: Publisher,
        pages: PortalPages,
        config: RoomsConfig | None = None,
        *,
        clock: Clock = SYSTEM_CLOCK,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.db = db
        self.platform = platform
        self.broadcaster = broadcaster
        self.pages = pages
        self.config = config or RoomsConfig()
        self._clock = clock
        self._rng = rng
        self._name = f"{socket.gethostname()[:24]}-{os.getpid()}"
        self._busy = False

    async def run_once(self) -> int:
        """Claim one batch and see it through; returns how many rooms were claimed."""
        tasks = await store.claim_rooms(
            self.db,
            now=self._clock.now(),
            limit=self.config.batch_size,
            lease=self.config.lease,
            token=f"{self._name}-{secrets.token_hex(6)}",
        )
        if tasks:
            gate = asyncio.Semaphore(self.config.concurrency)
            await asyncio.gather(*(self._guarded(task, gate) for task in tasks))
        return len(tasks)

    async def _guarded(self, task: RoomTask, gate: asyncio.Semaphore) -> None:
        async with gate:
            try:
                await self.sync(task)
            except PlatformError as exc:
                await self._failed(task, exc)
            except Exception as exc:  # a bug must not keep the lease: retry like a 5xx
                log.exception("room for interview %s failed unexpectedly", task.interview_id)
                await self._retry(task, f"{type(exc).__name__}: {exc}", None)

    async def sync(self, task: RoomTask) -> None:
        """Bring the platform's room up to the claimed revision."""
        problem = _unseatable(task)
        if problem is not None:
            await store.room_failed(self.db, task, error=problem, errcode=None, now=self._now())
            await self._announce(task)
            return
        if task.uid is None:
            room = await self._find_or_create(task)
        else:
            try:
                room = await self.platform.edit_interview(task.uid, self._edit(task))
            except RoomNotFound:
                # The platform lost the room: make a new one (new links) on the next turn.
                log.warning("platform forgot room %s of interview %s", task.uid, task.interview_id)
                await store.forget_room(self.db, task, now=self._now())
                return
        links = _links(task, room)
        if await store.room_made(self.db, task, links, now=self._now()):
            log.info("room %s ready for interview %s", room.uid, task.interview_id)
            await self._announce(task)

    async def _find_or_create(self, task: RoomTask) -> Room:
        if task.create_sent_at is not None:
            found = await self._find(task, task.create_sent_at)
            if found is not None:
                log.info("room %s found for interview %s", found.uid, task.interview_id)
                if _seated(found) != {p.userid for p in task.panel}:
                    return await self.platform.edit_interview(found.uid, self._edit(task))
                return found
        await store.mark_create_sent(self.db, task, at=self._now())
        return await self.platform.create_interview(self._new_room(task))

    async def _find(self, task: RoomTask, sent_at: datetime) -> Room | None:
        marker = self.pages.marker(task.interview_id)
        page_number = 1
        while page_number <= 5:
            page = await self.platform.list_interviews(
                search=task.candidate_name,
                created_from=sent_at - FIND_WINDOW,
                page=page_number,
                per_page=100,
            )
            for room in page.rooms:
                if room.redirect_uri == marker:
                    return room
            if page_number * page.per_page >= page.total:
                return None
            page_number += 1
        return None

    def _seats(self, task: RoomTask) -> list[Interviewer]:
        return [
            Interviewer(uid=p.userid, name=p.name, email=p.email or placeholder_email(p.userid))
            for p in task.panel
        ]

    def _new_room(self, task: RoomTask) -> NewRoom:
        return NewRoom(
            candidate_name=task.candidate_name,
            interviewers=self._seats(task),
            type_id=task.type_id,
            written_pad_uid=task.paper_uid,
            evaluation_link=self.pages.evaluation(task.interview_id),
            redirect_uri=self.pages.marker(task.interview_id),
        )

    def _edit(self, task: RoomTask) -> RoomEdit:
        return RoomEdit(
            type_id=task.type_id, interviewers=self._seats(task), written_pad_uid=task.paper_uid
        )

    async def _failed(self, task: RoomTask, exc: PlatformError) -> None:
        reason = f"{exc.errmsg or type(exc).__name__} (errcode {exc.errcode})"
        if exc.transient:
            await self._retry(task, reason, exc.errcode)
            return
        log.warning("room for interview %s refused: %s", task.interview_id, reason)
        await store.room_failed(self.db, task, error=reason, errcode=exc.errcode, now=self._now())
        await self._announce(task)

    async def _retry(self, task: RoomTask, reason: str, errcode: int | None) -> None:
        now = self._now()
        if task.attempts >= self.config.max_attempts:
            error = f"the platform did not answer after {task.attempts} tries: {reason}"
            await store.room_failed(self.db, task, error=error, errcode=errcode, now=now)
            await self._announce(task)
            return
        delay = self.config.backoff(task.attempts, self._rng)
        at = now + timedelta(seconds=delay)
        log.info("room for interview %s: %s; retry in %.0fs", task.interview_id, reason, delay)
        await store.room_retry_later(self.db, task, at=at, error=reason, errcode=errcode, now=now)

    async def _announce(self, task: RoomTask) -> None:
        await self.broadcaster.publish(LiveEvent(task.interview_id, "room", None))

    def _now(self) -> datetime:
        return self._clock.now()

    async def idle_delay(self) -> float:
        due = await store.next_room_due(self.db)
        if due is None:
            return self.config.idle_poll
        wait = (due - self._now()).total_seconds()
        return 0.0 if wait <= 0 else min(self.config.idle_poll, wait)

    async def turn(self) -> None:
        """One step and its wait (the body of a background `Job`)."""
        try:
            if not self._busy:
                delay = await self.idle_delay()
                if delay > 0:
                    await asyncio.sleep(delay)
                    return
            self._busy = await self.run_once() > 0
        except Exception:  # the database may be briefly away: log, wait, try again
            log.exception("rooms worker step failed")
            await asyncio.sleep(ERROR_PAUSE)


def _unseatable(task: RoomTask) -> str | None:
    """Why the platform cannot seat this panel, in words HR can act on."""
    if not task.panel:
        return "the interview has no interviewers to seat in the room"
    if len(task.panel) > MAX_SEATS:
        return (
            f"the platform seats at most {MAX_SEATS} interviewers; this panel has {len(task.panel)}"
        )
    return None


def _seated(room: Room) -> set[str]:
    return {seat.uid for seat in room.seats}


def _links(task: RoomTask, room: Room) -> RoomLinks:
    by_userid = {seat.uid: seat.interviewer_url for seat in room.seats}
    seats = {p.person_id: by_userid[p.userid] for p in task.panel if p.userid in by_userid}
    return RoomLinks(room.uid, room.candidate_url, room.interviewer_url, seats)


async def retry_failed(
    db: Database, broadcaster: Publisher, interview_id: int, *, actor: Actor, now: datetime
) -> bool:
    """HR asks for another try at a room that could not be made; False if none had failed."""
    async with db.transaction():
        retried = await store.retry_room(db, interview_id, now=now)
        if retried:
            await audit.record(
                db,
                "room_retried",
                actor=actor,
                at=now,
                target_kind="interview",
                target_id=interview_id,
            )
    if retried:
        await broadcaster.publish(LiveEvent(interview_id, "room", None))
    return retried
