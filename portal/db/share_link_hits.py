"""Per-link action counts behind the candidate rate limit (shared by every app process)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import share_link_hits, share_links


async def lock_link(db: Database, link_id: int) -> None:
    """Serialise hit counting per link on PostgreSQL (SQLite's write lock already does)."""
    if db.is_postgres:
        await db.fetch_val(
            sa.select(share_links.c.id).where(share_links.c.id == link_id).with_for_update()
        )


async def count_hits(
    db: Database, *, link_id: int, since: datetime, action: str | None = None
) -> int:
    """Attempts on `link_id` since `since`, of one `action` or of any."""
    condition = sa.and_(share_link_hits.c.link_id == link_id, share_link_hits.c.at >= since)
    if action is not None:
        condition = sa.and_(condition, share_link_hits.c.action == action)
    count = await db.fetch_val(
        sa.select(sa.func.count()).select_from(share_link_hits).where(condition)
    )
    return int(count or 0)


async def add_hit(db: Database, *, link_id: int, action: str, at: datetime) -> None:
    await db.execute(share_link_hits.insert().values(link_id=link_id, action=action, at=at))


async def prune_hits(db: Database, *, link_id: int, before: datetime) -> None:
    """Forget attempts older than the longest rate-limit window."""
    await db.execute(
        share_link_hits.delete().where(
            share_link_hits.c.link_id == link_id, share_link_hits.c.at < before
        )
    )
