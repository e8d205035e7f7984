"""Small readable seed data for the notification tests, written straight into the tables."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.people import MemberProfile, get_person_by_userid, upsert_member
from portal.db.tables import candidates, interview_interviewers, interviews, people, positions
from portal.notifications.outbox import dedupe_key, enqueue
from tests.support.when import next_weekday_at

# A Tuesday 10:00 in Shanghai, at least a day ahead: interviews start after it, in the future.
T0 = next_weekday_at(1, time(10), after=datetime.now(UTC) + timedelta(days=1))


async def add_person(
    db: Database,
    userid: str,
    *,
    name: str | None = None,
    role: str = "interviewer",
    locale: str | None = None,
    timezone: str | None = None,
    digest: bool = False,
) -> int:
    profile = MemberProfile(userid, name or userid.title(), None, (1,), None, None)
    person, _ = await upsert_member(db, profile, role=role, now=datetime.now(UTC))
    await db.execute(
        people.update()
        .where(people.c.id == person.id)
        .values(locale=locale, timezone=timezone, digest_opt_in=digest)
    )
    return person.id


async def person_id(db: Database, userid: str) -> int:
    person = await get_person_by_userid(db, userid)
    if person is None:
        return await add_person(db, userid)
    return person.id


async def add_interview(
    db: Database,
    *,
    panel: list[str],
    starts_at: datetime = T0 + timedelta(days=1),
    minutes: int = 60,
    created_by: str | None = None,
    candidate: str = "王五",
    position: str = "Backend engineer",
    location: str | None = "Room 3",
    status: str = "scheduled",
) -> int:
    now = datetime.now(UTC)
    stamps = {"created_at": now, "updated_at": now}
    candidate_id = await db.execute(candidates.insert().values(name=candidate, **stamps))
    position_id = await db.execute(positions.insert().values(title=position, **stamps))
    creator = await person_id(db, created_by) if created_by else None
    ends_at = starts_at + timedelta(minutes=minutes)
    interview_id: int = await db.execute(
        interviews.insert().values(
            candidate_id=candidate_id,
            position_id=position_id,
            round=2,
            starts_at=starts_at,
            ends_at=ends_at,
            timezone="Asia/Shanghai",
            location=location,
            status=status,
            version=1,
            created_by=creator,
            **stamps,
        )
    )
    for userid in panel:
        await db.execute(
            interview_interviewers.insert().values(
                interview_id=interview_id,
                person_id=await person_id(db, userid),
                starts_at=starts_at,
                ends_at=ends_at,
            )
        )
    return interview_id


async def set_interview(db: Database, interview_id: int, **values: Any) -> None:
    await db.execute(interviews.update().where(interviews.c.id == interview_id).values(**values))


async def set_panelist(db: Database, interview_id: int, userid: str, **values: Any) -> None:
    pid = await person_id(db, userid)
    await db.execute(
        interview_interviewers.update()
        .where(
            interview_interviewers.c.interview_id == interview_id,
            interview_interviewers.c.person_id == pid,
        )
        .values(**values)
    )


async def queue(
    db: Database,
    kind: str,
    recipient: str,
    interview_id: int | None,
    *,
    version: int = 1,
    due_at: datetime | None = None,
    **payload: Any,
) -> bool:
    return await enqueue(
        db,
        kind=kind,
        recipient=recipient,
        payload={"interview_id": interview_id, "version": version, **payload},
        dedupe=dedupe_key(kind, interview_id, recipient, version, *payload.values()),
        due_at=due_at,
        interview_id=interview_id,
    )


async def statuses(db: Database) -> dict[str, int]:
    from portal.db.tables import outbox

    rows = await db.fetch_all(
        sa.select(outbox.c.status, sa.func.count().label("n")).group_by(outbox.c.status)
    )
    return {row["status"]: int(row["n"]) for row in rows}
