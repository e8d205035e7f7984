"""Interview rooms on the platform: the room row (also its work queue), seats, webhooks.

A room row is written in the booking's transaction; `revision > synced_revision` means the
platform has not heard of the newest change yet (the room is missing, or its panel moved).
The rooms worker claims such rows under a lease and writes results only while its claim
holds (`claimed_by`), like the outbox. Personal links (`room_seats`) are read one person at
a time, by the join redirect only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database, Row, upsert
from portal.db.interview_writes import add_history_event
from portal.db.tables import (
    candidates,
    interview_interviewers,
    interviews,
    people,
    platform_events,
    room_seats,
    rooms,
)
from portal.db.types import aware_utc
from portal.scheduling import Actor

PREPARING, READY, FAILED, CLOSED = "preparing", "ready", "failed", "closed"
_OPEN_STATES = (PREPARING, READY)


@dataclass(frozen=True)
class RoomSummary:
    """What pages may show about a room: never a link (links are per person)."""

    interview_id: int
    uid: str | None
    type_id: int
    state: str
    platform_status: str | None
    opened_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    rating: int | None
    last_error: str | None
    attempts: int
    syncing: bool  # a change the platform has not heard of yet


_SUMMARY_FIELDS = [name for name in RoomSummary.__dataclass_fields__ if name != "syncing"]


def summary_columns() -> list[Any]:
    """The room columns `portal.db.interviews` reads along with each interview."""
    syncing = (rooms.c.revision > rooms.c.synced_revision).label("room_syncing")
    return [rooms.c[name].label(f"room_{name}") for name in _SUMMARY_FIELDS] + [syncing]


def summary_from(row: Row) -> RoomSummary | None:
    if row["room_interview_id"] is None:
        return None
    values = {name: row[f"room_{name}"] for name in _SUMMARY_FIELDS}
    return RoomSummary(**values, syncing=bool(row["room_syncing"]))


async def get_summary(db: Database, interview_id: int) -> RoomSummary | None:
    query = sa.select(*summary_columns()).where(rooms.c.interview_id == interview_id)
    row = await db.fetch_one(query)
    return None if row is None else summary_from(row)


# --- written by the interview use cases, in their transaction ---------------------------------


async def want_room(db: Database, interview_id: int, *, type_id: int, now: datetime) -> None:
    """The platform must hear of this interview's room as it now is (create or edit).

    A new row starts `preparing`; an existing one (failed, closed by "no room", or simply out
    of date) gets a new revision, due now, its retry count reset: the change may be what
    fixes a failure.
    """
    found = await db.fetch_one(
        sa.select(rooms.c.uid, rooms.c.state).where(rooms.c.interview_id == interview_id)
    )
    if found is None:
        await db.execute(
            rooms.insert().values(
                interview_id=interview_id,
                type_id=type_id,
                state=PREPARING,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
        )
        return
    state = READY if found["uid"] is not None else PREPARING
    await db.execute(
        rooms.update()
        .where(rooms.c.interview_id == interview_id)
        .values(
            type_id=type_id,
            state=state,
            revision=rooms.c.revision + 1,
            attempts=0,
            next_attempt_at=now,
            last_error=None,
            last_errcode=None,
            updated_at=now,
        )
    )


async def close_room(db: Database, interview_id: int, *, now: datetime) -> None:
    """The interview is cancelled: no more work, and no more links handed out."""
    await db.execute(
        rooms.update()
        .where(rooms.c.interview_id == interview_id)
        # A worker holding it may still store the room it is making (it stays closed).
        .values(state=CLOSED, synced_revision=rooms.c.revision, updated_at=now)
    )


async def retry_room(db: Database, interview_id: int, *, now: datetime) -> bool:
    """HR asks for another try at a room that could not be made; False if there is none."""
    found = await db.fetch_one(
        sa.select(rooms.c.uid).where(rooms.c.interview_id == interview_id, rooms.c.state == FAILED)
    )
    if found is None:
        return False
    await db.execute(
        rooms.update()
        .where(rooms.c.interview_id == interview_id)
        .values(
            state=READY if found["uid"] is not None else PREPARING,
            attempts=0,
            next_attempt_at=now,
            lease_until=None,
            claimed_by=None,
            updated_at=now,
        )
    )
    return True


# --- the rooms worker -------------------------------------------------------------------------


@dataclass(frozen=True)
class SeatPerson:
    """An interviewer the platform should seat: who they are to it."""

    person_id: int
    userid: str
    name: str
    email: str | None


@dataclass(frozen=True)
class RoomTask:
    """A claimed room and what the platform needs to hear about it."""

    interview_id: int
    uid: str | None
    type_id: int
    revision: int
    attempts: int
    create_sent_at: datetime | None
    claimed_by: str
    candidate_name: str
    paper_uid: str | None
    panel: tuple[SeatPerson, ...]


def _due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        rooms.c.state.in_(_OPEN_STATES),
        rooms.c.revision > rooms.c.synced_revision,
        rooms.c.next_attempt_at <= now,
        sa.or_(rooms.c.lease_until.is_(None), rooms.c.lease_until < now),
    )


async def claim_rooms(
    db: Database, *, now: datetime, limit: int, lease: float, token: str
) -> list[RoomTask]:
    """Lease up to `limit` due rooms to `token` (`SKIP LOCKED` on PostgreSQL)."""
    async with db.transaction():
        query = (
            sa.select(rooms.c.interview_id)
            .where(_due(now))
            .order_by(rooms.c.next_attempt_at, rooms.c.interview_id)
            .limit(limit)
        )
        if db.is_postgres:
            query = query.with_for_update(skip_locked=True)
        ids = [row["interview_id"] for row in await db.fetch_all(query)]
        if not ids:
            return []
        await db.execute(
            rooms.update()
            .where(rooms.c.interview_id.in_(ids))
            .values(
                claimed_by=token,
                lease_until=now + timedelta(seconds=lease),
                attempts=rooms.c.attempts + 1,
            )
        )
    return await _tasks(db, ids)


async def _tasks(db: Database, ids: list[int]) -> list[RoomTask]:
    query = (
        sa.select(rooms, interviews.c.room_paper_uid, candidates.c.name.label("candidate_name"))
        .select_from(
            rooms.join(interviews, interviews.c.id == rooms.c.interview_id).join(
                candidates, candidates.c.id == interviews.c.candidate_id
            )
        )
        .where(rooms.c.interview_id.in_(ids))
    )
    rows = {row["interview_id"]: row for row in await db.fetch_all(query)}
    panels = await _panels(db, ids)
    return [
        RoomTask(
            interview_id=key,
            uid=row["uid"],
            type_id=row["type_id"],
            revision=row["revision"],
            attempts=row["attempts"],
            create_sent_at=row["create_sent_at"],
            claimed_by=row["claimed_by"],
            candidate_name=row["candidate_name"],
            paper_uid=row["room_paper_uid"],
            panel=tuple(panels.get(key, ())),
        )
        for key, row in rows.items()
    ]


async def _panels(db: Database, ids: Sequence[int]) -> dict[int, list[SeatPerson]]:
    ii = interview_interviewers
    rows = await db.fetch_all(
        sa.select(
            ii.c.interview_id, people.c.id, people.c.wecom_userid, people.c.name, people.c.email
        )
        .select_from(ii.join(people, people.c.id == ii.c.person_id))
        .where(ii.c.interview_id.in_(list(ids)), ii.c.active.is_(True))
        .order_by(ii.c.interview_id, people.c.id)
    )
    panels: dict[int, list[SeatPerson]] = {}
    for row in rows:
        person = SeatPerson(row["id"], row["wecom_userid"], row["name"], row["email"])
        panels.setdefault(row["interview_id"], []).append(person)
    return panels


def _claimed(task: RoomTask) -> sa.ColumnElement[bool]:
    return sa.and_(rooms.c.interview_id == task.interview_id, rooms.c.claimed_by == task.claimed_by)


async def mark_create_sent(db: Database, task: RoomTask, *, at: datetime) -> None:
    """Remember the first create: from then on, a retry looks for the room before creating."""
    await db.execute(
        rooms.update()
        .where(_claimed(task), rooms.c.create_sent_at.is_(None))
        .values(create_sent_at=at)
    )


@dataclass(frozen=True)
class RoomLinks:
    uid: str
    candidate_url: str
    observer_url: str | None
    seats: dict[int, str]  # person_id -> personal interviewer_url


async def room_made(db: Database, task: RoomTask, links: RoomLinks, *, now: datetime) -> bool:
    """The platform holds this revision: store its links; False when the claim was lost."""
    async with db.transaction():
        held = await db.fetch_one(sa.select(rooms.c.state).where(_claimed(task)))
        if held is None:
            return False
        if held["state"] not in (READY, CLOSED):  # made now, not an edit of a ready room
            await _room_history(db, task.interview_id, {"state": READY}, now=now)
        await db.execute(
            rooms.update()
            .where(_claimed(task))
            .values(
                uid=links.uid,
                candidate_url=links.candidate_url,
                observer_url=links.observer_url,
                state=sa.case((rooms.c.state == CLOSED, CLOSED), else_=READY),
                synced_revision=task.revision,
                attempts=0,
                lease_until=None,
                claimed_by=None,
                last_error=None,
                last_errcode=None,
                updated_at=now,
            )
        )
        await db.execute(
            room_seats.delete().where(
                room_seats.c.interview_id == task.interview_id,
                room_seats.c.person_id.not_in(list(links.seats)),
            )
        )
        for person_id, url in links.seats.items():
            await _put_seat(db, task.interview_id, person_id, url)
    return True


async def _put_seat(db: Database, interview_id: int, person_id: int, url: str) -> None:
    values = {"interview_id": interview_id, "person_id": person_id, "interviewer_url": url}
    statement = (
        upsert(db, room_seats)
        .values(**values)
        .on_conflict_do_update(
            index_elements=["interview_id", "person_id"], set_={"interviewer_url": url}
        )
    )
    await db.execute(statement)


async def room_retry_later(
    db: Database, task: RoomTask, *, at: datetime, error: str, errcode: int | None, now: datetime
) -> None:
    await db.execute(
        rooms.update()
        .where(_claimed(task))
        .values(
            next_attempt_at=at,
            lease_until=None,
            claimed_by=None,
            last_error=error[:2000],
            last_errcode=errcode,
            updated_at=now,
        )
    )


async def room_failed(
    db: Database, task: RoomTask, *, error: str, errcode: int | None, now: datetime
) -> None:
    """Parked until HR retries or changes the interview; the reason is shown to HR."""
    held = await db.fetch_val(
        sa.select(rooms.c.interview_id).where(_claimed(task), rooms.c.state != CLOSED)
    )
    if held is not None:
        detail = {"state": FAILED, "error": error[:500]}
        await _room_history(db, task.interview_id, detail, now=now)
    await db.execute(
        rooms.update()
        .where(_claimed(task), rooms.c.state != CLOSED)
        .values(
            state=FAILED,
            lease_until=None,
            claimed_by=None,
            last_error=error[:2000],
            last_errcode=errcode,
            updated_at=now,
        )
    )


async def _room_history(
    db: Database, interview_id: int, detail: dict[str, Any], *, now: datetime
) -> None:
    """The room's ready or failed in the interview's history, as the portal's own doing."""
    await add_history_event(db, interview_id, "room", actor=Actor.system(), now=now, detail=detail)


async def next_room_due(db: Database) -> datetime | None:
    """When the earliest waiting room is due (or its lease runs out)."""
    due = await db.fetch_val(
        sa.select(
            sa.func.min(sa.func.coalesce(rooms.c.lease_until, rooms.c.next_attempt_at))
        ).where(rooms.c.state.in_(_OPEN_STATES), rooms.c.revision > rooms.c.synced_revision)
    )
    return None if due is None else aware_utc(due)


# --- join: one person's link ----------------------------------------------------------------


@dataclass(frozen=True)
class Entrance:
    """Where one person would enter the room, and the facts the join page needs."""

    state: str | None  # None: the interview has no platform room
    url: str | None


async def seat_url(db: Database, interview_id: int, person_id: int) -> Entrance:
    """This interviewer's personal link (only while they are on the active panel)."""
    ii = interview_interviewers
    row = await db.fetch_one(
        sa.select(rooms.c.state, room_seats.c.interviewer_url)
        .select_from(
            rooms.outerjoin(
                room_seats,
                sa.and_(
                    room_seats.c.interview_id == rooms.c.interview_id,
                    room_seats.c.person_id == person_id,
                    sa.exists().where(
                        ii.c.interview_id == interview_id,
                        ii.c.person_id == person_id,
                        ii.c.active.is_(True),
                    ),
                ),
            )
        )
        .where(rooms.c.interview_id == interview_id)
    )
    if row is None:
        return Entrance(None, None)
    return Entrance(row["state"], row["interviewer_url"])


async def shared_url(db: Database, interview_id: int, *, candidate: bool) -> Entrance:
    """The candidate's link, or the platform's shared (observer) link for HR."""
    column = rooms.c.candidate_url if candidate else rooms.c.observer_url
    row = await db.fetch_one(
        sa.select(rooms.c.state, column.label("url")).where(rooms.c.interview_id == interview_id)
    )
    if row is None:
        return Entrance(None, None)
    return Entrance(row["state"], row["url"])


# --- webhooks and reconciliation --------------------------------------------------------------


@dataclass(frozen=True)
class PlatformEvent:
    event: str
    uid: str
    rate: int | None
    ts: int | None  # when the platform says it happened (unix seconds)


async def remember_platform_event(
    db: Database,
    *,
    event: str,
    uid: str,
    rate: int | None,
    ts: int | None,
    source: str,
    now: datetime,
) -> bool:
    """Record an event once; False when it was recorded before (a retry, or reconciled)."""
    values = {
        "event": event,
        "uid": uid,
        "rate": rate,
        "ts": ts,
        "source": source,
        "received_at": now,
    }
    statement = (
        upsert(db, platform_events)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["event", "uid"])
    )
    inserted = await db.fetch_val(statement.returning(platform_events.c.uid))
    return inserted is not None


async def unapplied_events(
    db: Database, *, received_before: datetime, limit: int
) -> list[PlatformEvent]:
    """Events recorded but not applied (the work after an answer was cut short)."""
    rows = await db.fetch_all(
        sa.select(
            platform_events.c.event,
            platform_events.c.uid,
            platform_events.c.rate,
            platform_events.c.ts,
        )
        .where(
            platform_events.c.applied_at.is_(None),
            platform_events.c.received_at <= received_before,
        )
        .order_by(platform_events.c.received_at)
        .limit(limit)
    )
    return [PlatformEvent(row["event"], row["uid"], row["rate"], row["ts"]) for row in rows]


async def mark_applied(db: Database, event: PlatformEvent, *, now: datetime) -> bool:
    """Claim the event's work for this transaction; False when it was applied already."""
    condition = sa.and_(
        platform_events.c.event == event.event,
        platform_events.c.uid == event.uid,
        platform_events.c.applied_at.is_(None),
    )
    applied = await db.fetch_val(
        platform_events.update()
        .where(condition)
        .values(applied_at=now)
        .returning(platform_events.c.uid)
    )
    return applied is not None


async def interview_for_room(db: Database, uid: str) -> int | None:
    found = await db.fetch_val(sa.select(rooms.c.interview_id).where(rooms.c.uid == uid))
    return None if found is None else int(found)


async def record_room_status(
    db: Database,
    interview_id: int,
    *,
    status: str,
    column: str,
    at: datetime,
    rating: int | None,
    now: datetime,
) -> None:
    """The platform's own status, its time (first report wins) and the rating."""
    values: dict[str, Any] = {
        "platform_status": status,
        column: sa.func.coalesce(rooms.c[column], at),
        "updated_at": now,
    }
    if rating is not None:
        values["rating"] = rating
    await db.execute(rooms.update().where(rooms.c.interview_id == interview_id).values(**values))


@dataclass(frozen=True)
class Watched:
    """A room whose interview should have started or ended by now."""

    interview_id: int
    uid: str
    platform_status: str | None
    created_at: datetime


async def rooms_to_reconcile(
    db: Database, *, now: datetime, after_start: timedelta, every: timedelta, limit: int
) -> list[Watched]:
    """Rooms past their start without a started/ended report, or past their end without an
    ended one, not asked about within `every`."""
    reported = sa.func.coalesce(rooms.c.platform_status, "")  # NULL would make NOT unknown
    ended = reported == "interview_ended"
    started = reported.in_(("interview_started", "interview_ended"))
    query = (
        sa.select(rooms.c.interview_id, rooms.c.uid, rooms.c.platform_status, rooms.c.created_at)
        .select_from(rooms.join(interviews, interviews.c.id == rooms.c.interview_id))
        .where(
            rooms.c.uid.is_not(None),
            rooms.c.state != CLOSED,
            sa.or_(
                sa.and_(interviews.c.starts_at <= now - after_start, sa.not_(started)),
                sa.and_(interviews.c.ends_at <= now - after_start, sa.not_(ended)),
            ),
            # Give up on rooms a week past their end: the platform will not report on them.
            interviews.c.ends_at > now - timedelta(days=7),
            sa.or_(rooms.c.reconciled_at.is_(None), rooms.c.reconciled_at <= now - every),
        )
        .order_by(interviews.c.starts_at)
        .limit(limit)
    )
    return [
        Watched(row["interview_id"], row["uid"], row["platform_status"], row["created_at"])
        for row in await db.fetch_all(query)
    ]


async def mark_reconciled(db: Database, interview_ids: Sequence[int], *, now: datetime) -> None:
    if interview_ids:
        await db.execute(
            rooms.update()
            .where(rooms.c.interview_id.in_(list(interview_ids)))
            .values(reconciled_at=now)
        )


async def room_counts(db: Database) -> dict[str, int]:
    """Rooms per state (the bench and the outbox page's summary)."""
    rows = await db.fetch_all(
        sa.select(rooms.c.state, sa.func.count().label("n")).group_by(rooms.c.state)
    )
    return {row["state"]: int(row["n"]) for row in rows}


async def forget_room(db: Database, task: RoomTask, *, now: datetime) -> None:
    """The platform no longer knows the room: start over with a new one."""
    async with db.transaction():
        await db.execute(room_seats.delete().where(room_seats.c.interview_id == task.interview_id))
        await db.execute(
            rooms.update()
            .where(_claimed(task))
            .values(
                uid=None,
                candidate_url=None,
                observer_url=None,
                create_sent_at=None,
                state=PREPARING,
                next_attempt_at=now,
                lease_until=None,
                claimed_by=None,
                updated_at=now,
            )
        )
