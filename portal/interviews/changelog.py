"""History rows for HR's edits: a new time, panel changes and other details.

Steps in the caller's transaction. Times are stored in UTC and names as they were then, so
the history reads the same after a rename or removal (the page shows them in the viewer's
zone and language).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from portal.db.database import Database
from portal.db.interviews import InterviewDetail
from portal.interviews.common import note_change
from portal.scheduling import Actor, Slot

# The edit form's fields the history names when they change (time and panel have rows of
# their own).
EDITED_FIELDS = (
    "candidate_id",
    "position_id",
    "round",
    "room_url",
    "location",
    "notes",
    "candidate_prep",
    "hide_interviewers",
    "room_kind",
    "room_paper_uid",
    "plan_round_id",
)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


async def time_moved(
    db: Database,
    interview_id: int,
    before: Slot,
    after: Slot,
    *,
    actor: Actor,
    now: datetime,
    reason: str | None = None,
) -> None:
    detail = {
        "from": [_iso(before.starts_at), _iso(before.ends_at)],
        "to": [_iso(after.starts_at), _iso(after.ends_at)],
    }
    await note_change(db, interview_id, "time", detail, actor=actor, now=now, note=reason)


async def panel_changed(
    db: Database,
    interview_id: int,
    *,
    added: Sequence[str],
    removed: Sequence[str],
    actor: Actor,
    now: datetime,
) -> None:
    if added or removed:
        detail = {"added": list(added), "removed": list(removed)}
        await note_change(db, interview_id, "panel", detail, actor=actor, now=now)


async def details_edited(
    db: Database,
    current: InterviewDetail,
    values: Mapping[str, Any],
    *,
    actor: Actor,
    now: datetime,
) -> None:
    fields = [
        name for name in EDITED_FIELDS if name in values and values[name] != getattr(current, name)
    ]
    if fields:
        await note_change(db, current.id, "edited", {"fields": fields}, actor=actor, now=now)
