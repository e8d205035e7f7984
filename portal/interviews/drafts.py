"""From a valid interview form to database values: references, a new candidate, columns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portal.db.candidates import CandidateFields, get_candidate, insert_candidate
from portal.db.database import Database
from portal.db.plans import get_round
from portal.db.positions import get_position
from portal.scheduling import InterviewDraft, ValidationFailed
from portal.scheduling.fields import BAD_CHOICE


async def check_references(
    db: Database, draft: InterviewDraft, *, kept_round: int | None = None
) -> None:
    """The ids the form names exist; `kept_round` (the interview's own plan round) may have
    been taken off the plan since it was booked, and editing keeps it."""
    errors = {}
    if await get_position(db, draft.position_id) is None:
        errors["position_id"] = BAD_CHOICE
    if draft.candidate_id is not None and await get_candidate(db, draft.candidate_id) is None:
        errors["candidate_id"] = BAD_CHOICE
    if draft.plan_round_id is not None:
        plan_round = await get_round(db, draft.plan_round_id)
        removed = plan_round is not None and plan_round.removed_at is not None
        if (
            plan_round is None
            or plan_round.position_id != draft.position_id
            or (removed and plan_round.id != kept_round)
        ):
            errors["plan_round_id"] = BAD_CHOICE
    if errors:
        raise ValidationFailed(errors, {})


async def new_candidate(db: Database, draft: InterviewDraft, now: datetime) -> int:
    new = draft.new_candidate
    assert new is not None  # validate_interview sets exactly one of the two
    return await insert_candidate(db, CandidateFields(new.name, new.phone, new.email), now=now)


@dataclass(frozen=True)
class RoomChoice:
    """The room an interview gets: its kind (`RoomKind` value) and question paper."""

    kind: str
    paper_uid: str | None


def interview_values(draft: InterviewDraft, candidate_id: int, room: RoomChoice) -> dict[str, Any]:
    return {
        "candidate_id": candidate_id,
        "position_id": draft.position_id,
        "round": draft.round,
        "starts_at": draft.slot.starts_at,
        "ends_at": draft.slot.ends_at,
        "timezone": draft.timezone,
        "room_url": draft.room_url,
        "location": draft.location,
        "notes": draft.notes,
        "candidate_prep": draft.candidate_prep,
        "hide_interviewers": draft.hide_interviewers,
        "room_kind": room.kind,
        "room_paper_uid": room.paper_uid if room.kind == "technical" else None,
        "plan_round_id": draft.plan_round_id,
    }
