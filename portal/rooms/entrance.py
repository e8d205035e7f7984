"""Who may enter an interview's room now, and through which link.

Personal links are read here, one person at a time, and handed only to the join redirects
(`/mine/{id}/join`, `/c/{token}/join`, HR's observer link). Nothing else reads them, so no
page, message or log line can carry one to someone else. A refusal carries a msgid the page
shows (and an HTTP status).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from portal.db import rooms as store
from portal.db.database import Database
from portal.db.interviews import InterviewDetail
from portal.i18n import N_
from portal.scheduling import Status, can_join
from portal.scheduling.rooms import JOIN_GRACE

NOT_ON_PANEL = N_(
    "You are not on this interview's panel, so its room is not open to you. "
    "If you should be, ask HR to add you."
)
CANCELLED = N_("This interview was cancelled; its room is closed.")
PREPARING = N_(
    "The interview room is being prepared on the interview platform. Try again in a moment."
)
FAILED = N_(
    "The interview room could not be prepared yet. HR sees why on the interview's page and "
    "can fix it."
)
NO_ROOM = N_("This interview has no online room. See the interview's details for where it is.")
NO_OBSERVER = N_("The interview platform gives no shared link for this room.")


@dataclass(frozen=True)
class Way:
    """Where to send the person (`url`), or why not (`reason`, a msgid, with `params`)."""

    url: str | None
    reason: str | None = None
    status: int = 200
    params: dict[str, object] = field(default_factory=dict)


def _refused(reason: str, status: int = 409, **params: object) -> Way:
    return Way(None, reason, status, dict(params))


async def for_interviewer(db: Database, detail: InterviewDetail, person_id: int) -> Way:
    """The panel member's own seat; anyone else on staff is refused clearly."""
    if detail.member(person_id) is None:
        return _refused(NOT_ON_PANEL, 403)
    if detail.status == Status.CANCELLED:
        return _refused(CANCELLED, 410)
    entrance = await store.seat_url(db, detail.id, person_id)
    return _resolve(detail, entrance)


async def for_observer(db: Database, detail: InterviewDetail) -> Way:
    """HR's look into the room through the platform's shared link."""
    if detail.status == Status.CANCELLED:
        return _refused(CANCELLED, 410)
    entrance = await store.shared_url(db, detail.id, candidate=False)
    if entrance.state is None:
        return Way(detail.room_url) if detail.room_url else _refused(NO_ROOM, 404)
    if entrance.state == store.READY and entrance.url is None:
        return _refused(NO_OBSERVER, 404)
    return _resolve(detail, entrance)


async def for_candidate(
    db: Database, detail: InterviewDetail, *, now: datetime, early: timedelta
) -> Way:
    """The candidate's link, from `early` before the start until a grace after the end."""
    decision = can_join(
        now,
        status=detail.status,
        starts_at=detail.starts_at,
        ends_at=detail.ends_at,
        early=early,
        grace=JOIN_GRACE,
    )
    if not decision:
        return _refused(decision.reason or NO_ROOM, 403, **decision.params)
    entrance = await store.shared_url(db, detail.id, candidate=True)
    return _resolve(detail, entrance)


def _resolve(detail: InterviewDetail, entrance: store.Entrance) -> Way:
    """A platform room's link when there is one; HR's own link as the fallback."""
    if entrance.url is not None and entrance.state in (store.READY, store.FAILED):
        return Way(entrance.url)  # a failed edit leaves the room itself usable
    if detail.room_url:
        return Way(detail.room_url)
    if entrance.state is None:
        return _refused(NO_ROOM, 404)
    if entrance.state == store.FAILED:
        return _refused(FAILED, 503)
    if entrance.state == store.CLOSED:
        return _refused(CANCELLED, 410)
    return _refused(PREPARING, 503)
