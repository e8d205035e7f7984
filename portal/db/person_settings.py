"""Writing a person's own settings: language, time zone, morning digest."""

from __future__ import annotations

from datetime import datetime

from portal.db.database import Database
from portal.db.tables import people


async def set_settings(
    db: Database,
    person_id: int,
    *,
    locale: str,
    timezone: str | None,
    digest_opt_in: bool,
    now: datetime,
) -> None:
    """Replace all three (a None time zone means the company's)."""
    await db.execute(
        people.update()
        .where(people.c.id == person_id)
        .values(locale=locale, timezone=timezone, digest_opt_in=digest_opt_in, updated_at=now)
    )
