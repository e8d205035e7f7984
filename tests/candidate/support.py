"""Seed data for the candidate-link tests: staff, a position, a candidate, interviews, links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.links import create_link, link_expiry
from portal.db.people import MemberProfile, Person, upsert_member
from portal.db.tables import (
    audit_log,
    candidates,
    interview_interviewers,
    interviews,
    outbox,
    positions,
    status_events,
)
from portal.links import sign_candidate_link
from tests.conftest import TEST_SECRET_KEY

STAFF = {
    "liuyang": ("刘洋", "Liu Yang", "hr"),
    "zhaolei": ("赵蕾", "Zhao Lei", "hr"),
    "zhangwei": ("张伟", "Zhang Wei", "interviewer"),
    "lina": ("李娜", "Li Na", "interviewer"),
}
CANDIDATE_NAME = "王小明"
CANDIDATE_PHONE = "+86 138 0000 0000"
CANDIDATE_EMAIL = "xm@example.com"
ROOM = "https://meet.example.com/r/1"


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Booked:
    interview_id: int
    link_id: int
    token: str

    @property
    def path(self) -> str:
        return f"/c/{self.token}"


@dataclass
class Seed:
    db: Database
    staff: dict[str, Person]
    position_id: int
    candidate_id: int

    async def interview(
        self,
        *,
        starts_in: timedelta = timedelta(days=2),
        minutes: int = 60,
        status: str = "scheduled",
        zone: str = "Asia/Shanghai",
        hide_interviewers: bool = False,
        prep: str | None = "Bring your laptop.",
        room_url: str | None = ROOM,
        created_by: str | None = "liuyang",
    ) -> Booked:
        """An interview with zhangwei and lina on the panel, and its link."""
        now = utcnow()
        starts_at = now + starts_in
        ends_at = starts_at + timedelta(minutes=minutes)
        creator = self.staff[created_by].id if created_by else None
        interview_id = await self.db.execute(
            interviews.insert().values(
                candidate_id=self.candidate_id,
                position_id=self.position_id,
                round=2,
                starts_at=starts_at,
                ends_at=ends_at,
                timezone=zone,
                room_url=room_url,
                candidate_prep=prep,
                hide_interviewers=hide_interviewers,
                status=status,
                version=1,
                created_by=creator,
                created_at=now,
                updated_at=now,
            )
        )
        for userid in ("zhangwei", "lina"):
            await self.db.execute(
                interview_interviewers.insert().values(
                    interview_id=interview_id,
                    person_id=self.staff[userid].id,
                    starts_at=starts_at,
                    ends_at=ends_at,
                )
            )
        link_id = await create_link(
            self.db,
            interview_id=interview_id,
            expires_at=link_expiry(ends_at),
            created_by=creator,
        )
        return Booked(interview_id, link_id, sign_candidate_link(link_id, TEST_SECRET_KEY))


async def make_seed(db: Database) -> Seed:
    now = utcnow()
    staff = {}
    for userid, (name, english, role) in STAFF.items():
        profile = MemberProfile(userid, name, english, (1,), None, f"{userid}@corp.example")
        staff[userid], _ = await upsert_member(db, profile, role=role, now=now)
    position_id = await db.execute(
        positions.insert().values(title="Backend Engineer", created_at=now, updated_at=now)
    )
    candidate_id = await db.execute(
        candidates.insert().values(
            name=CANDIDATE_NAME,
            phone=CANDIDATE_PHONE,
            email=CANDIDATE_EMAIL,
            created_at=now,
            updated_at=now,
        )
    )
    return Seed(db, staff, position_id, candidate_id)


async def rows(db: Database, table: sa.Table, **where: Any) -> list[dict[str, Any]]:
    query = sa.select(table).order_by(*table.primary_key.columns)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    return [dict(row) for row in await db.fetch_all(query)]


async def interview_row(db: Database, interview_id: int) -> dict[str, Any]:
    found = await rows(db, interviews, id=interview_id)
    return found[0]


async def outbox_kinds(db: Database, interview_id: int) -> list[tuple[str, str]]:
    return [
        (row["kind"], row["recipient"]) for row in await rows(db, outbox, interview_id=interview_id)
    ]


async def audit_actions(db: Database) -> list[str]:
    return [row["action"] for row in await rows(db, audit_log)]


async def status_history(db: Database, interview_id: int) -> list[tuple[str, str]]:
    found = await rows(db, status_events, interview_id=interview_id)
    return [(row["to_status"], row["actor_kind"]) for row in found]
