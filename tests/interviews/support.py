"""Small readable seed data for the interview tests: people, a position, a candidate."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from portal.db.candidates import CandidateFields, insert_candidate
from portal.db.database import Database
from portal.db.people import MemberProfile, Person, upsert_member
from portal.db.positions import PositionFields, insert_position
from portal.db.tables import outbox
from portal.live import LiveEvent
from portal.scheduling import InterviewDraft, Slot

# A Tuesday, 10:00 in Shanghai; bookings below fall on Wednesday in working hours.
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
WEDNESDAY_10 = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # 10:00 Asia/Shanghai

PEOPLE = {
    "liuyang": ("刘洋", "Liu Yang", "hr"),
    "zhaolei": ("赵蕾", "Zhao Lei", "hr"),
    "zhangwei": ("张伟", "Zhang Wei", "interviewer"),
    "lina": ("李娜", "Li Na", "interviewer"),
    "sunhao": ("孙浩", "Sun Hao", "interviewer"),
}


class Recorder:
    """A broadcaster that remembers what was published."""

    def __init__(self) -> None:
        self.events: list[LiveEvent] = []

    async def publish(self, event: LiveEvent) -> None:
        self.events.append(event)

    async def subscribe(self) -> AsyncIterator[LiveEvent]:  # pragma: no cover - unused
        for event in self.events:
            yield event


@dataclass
class World:
    db: Database
    people: dict[str, Person]
    position_id: int
    candidate_id: int
    hub: Recorder = field(default_factory=Recorder)

    def __getitem__(self, userid: str) -> Person:
        return self.people[userid]

    def draft(
        self,
        starts_at: datetime = WEDNESDAY_10,
        *,
        minutes: int = 60,
        panel: tuple[str, ...] = ("zhangwei", "lina"),
        candidate_id: int | None = None,
        override: bool = False,
        version: int | None = None,
        room_url: str | None = "https://meet.example.com/r/1",
        timezone: str = "Asia/Shanghai",
    ) -> InterviewDraft:
        return InterviewDraft(
            candidate_id=candidate_id or self.candidate_id,
            new_candidate=None,
            position_id=self.position_id,
            round=1,
            slot=Slot.starting(starts_at, timedelta(minutes=minutes)),
            timezone=timezone,
            interviewer_ids=tuple(self.people[userid].id for userid in panel),
            room_url=room_url,
            location=None,
            notes="Ask about databases.",
            candidate_prep=None,
            hide_interviewers=False,
            override=override,
            version=version,
        )


async def add_person(db: Database, userid: str, name: str, english: str, role: str) -> Person:
    profile = MemberProfile(userid, name, english, (1,), None, None)
    person, _ = await upsert_member(db, profile, role=role, now=NOW)
    return person


async def make_world(db: Database) -> World:
    people = {
        userid: await add_person(db, userid, name, english, role)
        for userid, (name, english, role) in PEOPLE.items()
    }
    position_id = await insert_position(
        db, PositionFields("Backend Engineer", "Engineering", None), now=NOW
    )
    candidate_id = await insert_candidate(
        db, CandidateFields("王小明", "+86 138 0000 0000", "xm@example.com"), now=NOW
    )
    return World(db, people, position_id, candidate_id)


async def outbox_rows(db: Database, **where: Any) -> list[dict[str, Any]]:
    query = sa.select(outbox).order_by(outbox.c.id)
    for column, value in where.items():
        query = query.where(outbox.c[column] == value)
    return [dict(row) for row in await db.fetch_all(query)]
