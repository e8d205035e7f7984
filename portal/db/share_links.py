"""Candidate share links: one row per link; the signed token only names the row.

The row holds what the token must not: the expiry (by default `DEFAULT_GRACE_HOURS` after
the interview ends, following it on reschedule) and the revocation. An interview has at most
one unrevoked link; `regenerate` revokes it and makes a new one.

For the scheduling side:
- `create_interview`: `await create_link(db, interview_id=iid,
  expires_at=link_expiry(ends_at, settings.link_grace_hours), created_by=person_id)`
- reschedule: `await extend_for_interview(db, iid, new_ends_at,
  grace_hours=settings.link_grace_hours)`
Both inside the transaction that makes the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.db.database import Database, Row
from portal.db.tables import interviews, share_links
from portal.db.types import aware_utc

DEFAULT_GRACE_HOURS = 24


@dataclass(frozen=True)
class ShareLink:
    id: int
    interview_id: int | None  # None: a "choose your time" link whose time is not chosen yet
    expires_at: datetime
    revoked_at: datetime | None
    created_by: int | None
    created_at: datetime
    self_schedule_id: int | None = None

    def state(self, now: datetime) -> str:
        """`active`, `revoked` or `expired` at `now`."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if now >= self.expires_at else "active"

    def is_usable(self, now: datetime) -> bool:
        return self.state(now) == "active"


def link_expiry(ends_at: datetime, grace_hours: int = DEFAULT_GRACE_HOURS) -> datetime:
    """When a link for an interview ending at `ends_at` stops working."""
    return ends_at + timedelta(hours=grace_hours)


def _link(row: Row) -> ShareLink:
    return ShareLink(**{name: row[name] for name in ShareLink.__dataclass_fields__})


async def create_link(
    db: Database,
    *,
    interview_id: int,
    expires_at: datetime,
    created_by: int | None,
    now: datetime,
) -> int:
    """A new link for the interview; returns its id. Call inside the caller's transaction."""
    return await _insert_link(
        db, interview_id=interview_id, self_schedule_id=None, expires_at=expires_at,
        created_by=created_by, now=now,
    )  # fmt: skip


async def _insert_link(
    db: Database,
    *,
    interview_id: int | None,
    self_schedule_id: int | None,
    expires_at: datetime,
    created_by: int | None,
    now: datetime,
) -> int:
    link_id = await db.execute(
        share_links.insert().values(
            interview_id=interview_id,
            self_schedule_id=self_schedule_id,
            expires_at=expires_at,
            revoked_at=None,
            created_by=created_by,
            created_at=now,
        )
    )
    return int(link_id)


async def get_link(db: Database, link_id: int) -> ShareLink | None:
    row = await db.fetch_one(sa.select(share_links).where(share_links.c.id == link_id))
    return _link(row) if row else None


async def active_link_for(db: Database, interview_id: int) -> ShareLink | None:
    """The interview's newest unrevoked link (it may have expired: see `ShareLink.state`)."""
    row = await db.fetch_one(
        sa.select(share_links)
        .where(share_links.c.interview_id == interview_id, share_links.c.revoked_at.is_(None))
        .order_by(share_links.c.id.desc())
        .limit(1)
    )
    return _link(row) if row else None


async def revoke(db: Database, *, interview_id: int, at: datetime) -> int:
    """Revoke every unrevoked link of the interview; returns how many were revoked."""
    condition = sa.and_(
        share_links.c.interview_id == interview_id, share_links.c.revoked_at.is_(None)
    )
    count = await db.fetch_val(sa.select(sa.func.count()).select_from(share_links).where(condition))
    await db.execute(share_links.update().where(condition).values(revoked_at=at))
    return int(count or 0)


async def regenerate(
    db: Database,
    *,
    interview_id: int,
    created_by: int | None,
    now: datetime,
    grace_hours: int = DEFAULT_GRACE_HOURS,
) -> int | None:
    """Revoke the interview's links and create a fresh one; None if there is no interview."""
    ends_at = await interview_ends_at(db, interview_id)
    if ends_at is None:
        return None
    await revoke(db, interview_id=interview_id, at=now)
    return await create_link(
        db,
        interview_id=interview_id,
        expires_at=link_expiry(ends_at, grace_hours),
        created_by=created_by,
        now=now,
    )


async def interview_ends_at(db: Database, interview_id: int) -> datetime | None:
    """When the interview ends, or None if there is no such interview."""
    ends_at = await db.fetch_val(
        sa.select(interviews.c.ends_at).where(interviews.c.id == interview_id)
    )
    return None if ends_at is None else aware_utc(ends_at)


async def extend_for_interview(
    db: Database, interview_id: int, ends_at: datetime, *, grace_hours: int = DEFAULT_GRACE_HOURS
) -> None:
    """After a reschedule: unrevoked links expire `grace_hours` after the new end."""
    await db.execute(
        share_links.update()
        .where(share_links.c.interview_id == interview_id, share_links.c.revoked_at.is_(None))
        .values(expires_at=link_expiry(ends_at, grace_hours))
    )


async def create_choice_link(
    db: Database,
    *,
    self_schedule_id: int,
    expires_at: datetime,
    created_by: int | None,
    now: datetime,
) -> int:
    """A "choose your time" link, before any interview; returns its id (caller's transaction)."""
    return await _insert_link(
        db, interview_id=None, self_schedule_id=self_schedule_id, expires_at=expires_at,
        created_by=created_by, now=now,
    )  # fmt: skip


async def attach_link(
    db: Database, link_id: int, *, interview_id: int, expires_at: datetime
) -> None:
    """The candidate chose a time: their link now names the interview and follows its end."""
    await db.execute(
        share_links.update()
        .where(share_links.c.id == link_id)
        .values(interview_id=interview_id, expires_at=expires_at)
    )


async def choice_link_for(db: Database, self_schedule_id: int) -> ShareLink | None:
    """The newest unrevoked link of a "choose your time" invitation."""
    row = await db.fetch_one(
        sa.select(share_links)
        .where(
            share_links.c.self_schedule_id == self_schedule_id,
            share_links.c.revoked_at.is_(None),
        )
        .order_by(share_links.c.id.desc())
        .limit(1)
    )
    return _link(row) if row else None


async def revoke_choice_links(db: Database, self_schedule_id: int, *, at: datetime) -> None:
    """Withdrawn before the candidate chose: their link stops working."""
    await db.execute(
        share_links.update()
        .where(
            share_links.c.self_schedule_id == self_schedule_id,
            share_links.c.interview_id.is_(None),
            share_links.c.revoked_at.is_(None),
        )
        .values(revoked_at=at)
    )
