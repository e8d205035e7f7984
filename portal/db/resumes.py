"""Candidates' uploaded résumés: one PDF each, kept in the database so every instance serves it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.db.database import Database, upsert
from portal.db.tables import interview_interviewers, interviews, resumes


@dataclass(frozen=True)
class ResumeFile:
    """What is known about an uploaded résumé without reading its bytes."""

    candidate_id: int
    filename: str
    size: int
    sha256: str
    uploaded_at: datetime


_META = (
    resumes.c.candidate_id,
    resumes.c.filename,
    resumes.c.size,
    resumes.c.sha256,
    resumes.c.uploaded_at,
)


async def get_resume_file(db: Database, candidate_id: int) -> ResumeFile | None:
    row = await db.fetch_one(sa.select(*_META).where(resumes.c.candidate_id == candidate_id))
    return (
        ResumeFile(**{name: row[name] for name in ResumeFile.__dataclass_fields__}) if row else None
    )


async def read_resume_content(db: Database, candidate_id: int) -> bytes | None:
    value = await db.fetch_val(
        sa.select(resumes.c.content).where(resumes.c.candidate_id == candidate_id)
    )
    return None if value is None else bytes(value)


async def put_resume(
    db: Database,
    candidate_id: int,
    *,
    filename: str,
    content: bytes,
    uploaded_by: int | None,
    now: datetime,
) -> None:
    """Store the candidate's résumé, replacing any earlier one."""
    values = {
        "filename": filename,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "content": content,
        "uploaded_by": uploaded_by,
        "uploaded_at": now,
    }
    statement = upsert(db, resumes).values(candidate_id=candidate_id, **values)
    await db.execute(statement.on_conflict_do_update(index_elements=["candidate_id"], set_=values))


async def delete_resume(db: Database, candidate_id: int) -> None:
    await db.execute(resumes.delete().where(resumes.c.candidate_id == candidate_id))


async def is_on_candidate_panel(db: Database, person_id: int, candidate_id: int) -> bool:
    """Whether `person_id` sits on the active panel of an interview of the candidate (not
    cancelled: past ones count, their scorecards may still be open)."""
    found = await db.fetch_val(
        sa.select(interviews.c.id)
        .select_from(
            interview_interviewers.join(
                interviews, interviews.c.id == interview_interviewers.c.interview_id
            )
        )
        .where(
            interview_interviewers.c.person_id == person_id,
            interview_interviewers.c.active.is_(True),
            interviews.c.candidate_id == candidate_id,
            # A cancelled interview's panel has no more need of the résumé.
            interviews.c.status != "cancelled",
        )
        .limit(1)
    )
    return found is not None
