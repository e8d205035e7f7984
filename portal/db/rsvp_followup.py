"""RSVP follow-up reads: when each panel member was last asked to reply, and who still owes one.

The panel row has no "invited at", so it is read from the outbox without a schema change: the
newest invitation or "changed" card (both carry Accept / Decline, and a move resets replies)
queued for that interview and recipient.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import (
    candidates,
    interview_interviewers,
    interviews,
    outbox,
    people,
    positions,
)
from portal.db.types import aware_utc
from portal.scheduling import TERMINAL, Status
from portal.scheduling.rsvp_followup import rsvp_overdue

ASKED_KINDS = ("invited", "changed")  # kinds.INVITED, kinds.CHANGED (no import from above db)
_OPEN = [status.value for status in Status if status not in TERMINAL]
_ii = interview_interviewers


def invited_at(interview_id: Any, userid: Any) -> sa.ScalarSelect[Any]:
    """The newest reply card queued for (interview, WeCom userid), as a correlated scalar."""
    return (
        sa.select(sa.func.max(outbox.c.created_at))
        .where(
            outbox.c.interview_id == interview_id,
            outbox.c.recipient == userid,
            outbox.c.kind.in_(ASKED_KINDS),
        )
        .scalar_subquery()
    )


async def interview_zone(db: Database, interview_id: int) -> str | None:
    row = await db.fetch_one(
        sa.select(interviews.c.timezone).where(interviews.c.id == interview_id)
    )
    return None if row is None else str(row["timezone"])


@dataclass(frozen=True)
class AwaitingReply:
    """A panel member who has not replied to an interview still ahead."""

    interview_id: int
    starts_at: datetime
    ends_at: datetime
    zone: str
    candidate_name: str
    position_title: str
    person_id: int
    person_name: str
    person_english_name: str | None
    invited_at: datetime

    @property
    def person_display_name(self) -> str:
        if self.person_english_name:
            return f"{self.person_name} ({self.person_english_name})"
        return self.person_name


async def awaiting_reply(db: Database, *, after: datetime, limit: int) -> list[AwaitingReply]:
    """Active members with a pending reply on open interviews starting after `after`, the
    longest-waiting first."""
    asked = invited_at(interviews.c.id, people.c.wecom_userid).label("invited_at")
    query = (
        sa.select(
            interviews.c.id.label("interview_id"),
            interviews.c.starts_at,
            interviews.c.ends_at,
            interviews.c.timezone.label("zone"),
            candidates.c.name.label("candidate_name"),
            positions.c.title.label("position_title"),
            people.c.id.label("person_id"),
            people.c.name.label("person_name"),
            people.c.english_name.label("person_english_name"),
            asked,
        )
        .select_from(
            interviews.join(_ii, _ii.c.interview_id == interviews.c.id)
            .join(people, people.c.id == _ii.c.person_id)
            .join(candidates, candidates.c.id == interviews.c.candidate_id)
            .join(positions, positions.c.id == interviews.c.position_id)
        )
        .where(
            _ii.c.active.is_(True),
            _ii.c.rsvp == "pending",
            interviews.c.status.in_(_OPEN),
            interviews.c.starts_at > after,
            invited_at(interviews.c.id, people.c.wecom_userid).is_not(None),
        )
        .order_by(sa.literal_column("invited_at"), interviews.c.id, people.c.id)
        .limit(limit)
    )
    rows = await db.fetch_all(query)
    fields = AwaitingReply.__dataclass_fields__
    return [AwaitingReply(**{name: row[name] for name in fields}) for row in rows]


async def no_reply_ids(db: Database, interview_id: int, *, now: datetime) -> set[int]:
    """The interview's active panel members asked 2 working days ago or more and still silent
    (what the board marks; the live stream renders one row from this)."""
    asked = invited_at(interviews.c.id, people.c.wecom_userid).label("invited_at")
    rows = await db.fetch_all(
        sa.select(_ii.c.person_id, interviews.c.timezone, asked)
        .select_from(
            _ii.join(interviews, interviews.c.id == _ii.c.interview_id).join(
                people, people.c.id == _ii.c.person_id
            )
        )
        .where(_ii.c.interview_id == interview_id, _ii.c.active.is_(True), _ii.c.rsvp == "pending")
    )
    return {
        row["person_id"]
        for row in rows
        if row["invited_at"] is not None
        and rsvp_overdue(aware_utc(row["invited_at"]), now, row["timezone"])
    }
