"""What candidate email reads: the candidate's address and language for an interview (issue 16)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import candidates, interviews, outbox


@dataclass(frozen=True)
class MailContact:
    """Where and how to write to an interview's candidate."""

    email: str | None  # None: they gave no address
    language: str | None  # the language they read their page in; None: not known


async def candidate_contact(db: Database, interview_id: int) -> MailContact | None:
    """The interview's candidate's address and language, or None when there is no interview."""
    row = await db.fetch_one(
        sa.select(candidates.c.email, candidates.c.language)
        .select_from(interviews.join(candidates, candidates.c.id == interviews.c.candidate_id))
        .where(interviews.c.id == interview_id)
    )
    if row is None:
        return None
    email = str(row["email"] or "").strip() or None
    return MailContact(email=email, language=row["language"] or None)


async def candidate_email(db: Database, interview_id: int) -> str | None:
    """The interview's candidate's email address, or None when they gave none."""
    contact = await candidate_contact(db, interview_id)
    return contact.email if contact else None


async def candidate_was_mailed(db: Database, interview_id: int, kinds: tuple[str, ...]) -> bool:
    """Whether the candidate was sent (or is being sent) mail of these kinds about it."""
    found = await db.fetch_val(
        sa.select(outbox.c.id)
        .where(outbox.c.interview_id == interview_id, outbox.c.kind.in_(kinds))
        .limit(1)
    )
    return found is not None
