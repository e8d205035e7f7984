"""How often one share link may act: every attempt counts, refused ones included.

Counted in the database (`share_link_hits`), so the limit holds across app processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.db import share_link_hits
from portal.db.database import Database
from portal.errors import PortalError
from portal.i18n import N_


@dataclass(frozen=True)
class Limit:
    attempts: int
    window: timedelta
    action: str | None = None  # None: every action of the link counts


ANY_ACTION = Limit(10, timedelta(minutes=10))
PER_ACTION = {"reschedule": Limit(3, timedelta(days=1), "reschedule")}
LONGEST_WINDOW = max([ANY_ACTION.window, *(limit.window for limit in PER_ACTION.values())])


class TooManyAttempts(PortalError):
    status = 429
    message = N_("You have tried this several times in a short while. Please wait a little.")


class TooManyRescheduleRequests(TooManyAttempts):
    message = N_(
        "You have already sent several requests today. Your recruiter will get back to you."
    )


def limits_for(action: str) -> list[Limit]:
    return [ANY_ACTION, *([PER_ACTION[action]] if action in PER_ACTION else [])]


async def admit(db: Database, *, link_id: int, action: str, now: datetime) -> None:
    """Count one attempt of `action` on the link, or raise `TooManyAttempts`.

    Runs in a transaction of its own so a refused or failing action still counts.
    """
    async with db.transaction():
        await share_link_hits.lock_link(db, link_id)
        for limit in limits_for(action):
            used = await share_link_hits.count_hits(
                db, link_id=link_id, since=now - limit.window, action=limit.action
            )
            if used >= limit.attempts:
                raise TooManyRescheduleRequests() if limit.action else TooManyAttempts()
        await share_link_hits.prune_hits(db, link_id=link_id, before=now - LONGEST_WINDOW)
        await share_link_hits.add_hit(db, link_id=link_id, action=action, at=now)
