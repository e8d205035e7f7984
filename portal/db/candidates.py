"""Candidates: the people being interviewed (they never sign in)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.db.database import Database, Row
from portal.db.listing import contains_any
from portal.db.tables import candidates


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    phone: str | None
    email: str | None
    timezone: str | None
    notes: str | None
    created_at: datetime
    updated_at: datetime
    resume_url: str | None  # a résumé kept elsewhere; an uploaded one is in `db.resumes`


@dataclass(frozen=True)
class CandidateFields:
    """What HR types about a candidate."""

    name: str
    phone: str | None
    email: str | None
    notes: str | None = None
    resume_url: str | None = None


def _candidate(row: Row) -> Candidate:
    return Candidate(**{name: row[name] for name in Candidate.__dataclass_fields__})


async def get_candidate(db: Database, candidate_id: int) -> Candidate | None:
    row = await db.fetch_one(sa.select(candidates).where(candidates.c.id == candidate_id))
    return _candidate(row) if row else None


async def search_candidates(db: Database, *, query: str = "", limit: int = 50) -> list[Candidate]:
    """Candidates whose name, phone or email contains `query`, newest first."""
    condition: sa.ColumnElement[bool] = sa.true()
    if query.strip():
        condition = contains_any(
            query.strip(), candidates.c.name, candidates.c.phone, candidates.c.email
        )
    rows = await db.fetch_all(
        sa.select(candidates).where(condition).order_by(candidates.c.id.desc()).limit(limit)
    )
    return [_candidate(row) for row in rows]


async def insert_candidate(db: Database, fields: CandidateFields, *, now: datetime) -> int:
    statement = candidates.insert().values(
        name=fields.name,
        phone=fields.phone,
        email=fields.email,
        notes=fields.notes,
        resume_url=fields.resume_url,
        created_at=now,
        updated_at=now,
    )
    return int(await db.execute(statement))


async def update_candidate(
    db: Database, candidate_id: int, fields: CandidateFields, *, now: datetime
) -> None:
    await db.execute(
        candidates.update()
        .where(candidates.c.id == candidate_id)
        .values(
            name=fields.name,
            phone=fields.phone,
            email=fields.email,
            notes=fields.notes,
            resume_url=fields.resume_url,
            updated_at=now,
        )
    )
