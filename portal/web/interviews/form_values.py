"""Reading and re-rendering the interview forms: raw values, errors, conflicts, pickers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request

from portal.db.candidates import Candidate, get_candidate, search_candidates
from portal.db.interviewers import InterviewerProfile, interviewer_profiles
from portal.db.interviews import InterviewDetail
from portal.db.positions import Position, list_positions
from portal.i18n import N_
from portal.scheduling import (
    MAX_DURATION,
    MIN_DURATION,
    Conflict,
    ConflictKind,
    Slot,
    local_date,
    utc_to_local,
)
from portal.scheduling.fields import MAX_ID, FormReader, parse_id
from portal.web.core.forms import COMMON_ZONES, picked_ids, room_kinds
from portal.web.core.rendering import translate, viewer_timezone
from portal.web.core.state import app_state, current_time

FIELDS = (
    "candidate_id", "candidate_name", "candidate_phone", "candidate_email", "position_id",
    "round", "date", "time", "duration", "timezone", "room_url", "location", "notes",
    "candidate_prep", "hide_interviewers", "override", "version", "reason", "interview_id",
    "room_kind", "room_paper_uid", "plan_round_id",
)  # fmt: skip
CANDIDATE = N_("Candidate")
_MINUTE = timedelta(minutes=1)


def raw_values(form: FormData) -> dict[str, str]:
    """The form as typed, to put back in front of the person."""
    return {name: str(form.get(name) or "") for name in FIELDS}


def new_values(request: Request) -> dict[str, str]:
    zone = viewer_timezone(request)
    tomorrow = local_date(current_time(request), zone) + timedelta(days=1)
    values = dict.fromkeys(FIELDS, "")
    return values | {
        "date": tomorrow.isoformat(),
        "time": "10:00",
        "duration": "60",
        "timezone": zone,
        "round": "1",
    }


def values_of(detail: InterviewDetail) -> dict[str, str]:
    """The edit form's starting values: the interview in the zone it was booked in."""
    local = utc_to_local(detail.starts_at, detail.timezone)
    values = dict.fromkeys(FIELDS, "")
    return values | {
        "candidate_id": str(detail.candidate_id),
        "position_id": str(detail.position_id),
        "round": str(detail.round),
        "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"),
        "duration": str(detail.slot.duration // _MINUTE),
        "timezone": detail.timezone,
        "room_url": detail.room_url or "",
        "location": detail.location or "",
        "notes": detail.notes or "",
        "candidate_prep": detail.candidate_prep or "",
        "hide_interviewers": "on" if detail.hide_interviewers else "",
        "override": "on" if any(m.overlap_override for m in detail.panel) else "",
        "version": str(detail.version),
        "interview_id": str(detail.id),
        "room_kind": detail.room_kind,
        "room_paper_uid": detail.room_paper_uid or "",
        "plan_round_id": "" if detail.plan_round_id is None else str(detail.plan_round_id),
    }


@dataclass(frozen=True)
class ConflictView:
    who: str
    text: str
    blocking: bool


def conflict_views(
    request: Request, conflicts: Iterable[Conflict], names: dict[int, str]
) -> list[ConflictView]:
    return [
        ConflictView(_who(request, c, names), translate(request, c.message, **c.params), c.blocking)
        for c in conflicts
    ]


def _who(request: Request, conflict: Conflict, names: dict[int, str]) -> str:
    if conflict.person_id is not None:
        return names.get(conflict.person_id, "")
    if conflict.kind == ConflictKind.CANDIDATE_OVERLAP:
        return translate(request, CANDIDATE)
    return ""


@dataclass(frozen=True)
class Probe:
    """What the conflict check could read from a half-filled form."""

    slot: Slot | None
    interviewer_ids: list[int]
    candidate_id: int | None
    editing: int | None
    override: bool
    errors: list[tuple[str, dict[str, object]]]  # (msgid, params) of the date and time


def read_probe(form: FormData) -> Probe:
    reader = FormReader(form)
    starts_at = reader.local_start("date", "time", "timezone")
    low, high = MIN_DURATION // _MINUTE, MAX_DURATION // _MINUTE
    minutes = reader.integer("duration", low=low, high=high)
    slot = None
    if starts_at is not None and minutes is not None and "duration" not in reader.errors:
        slot = Slot.starting(starts_at, minutes * _MINUTE)
    return Probe(
        slot=slot,
        interviewer_ids=picked_ids(form.getlist("interviewer_ids")),
        candidate_id=reader.integer("candidate_id", low=1, high=MAX_ID, required=False),
        editing=reader.integer("interview_id", low=1, high=MAX_ID, required=False),
        override=reader.checkbox("override"),
        errors=[
            (message, reader.error_params.get(name, {}))
            for name, message in reader.errors.items()
            if name in {"time", "date", "timezone"}
        ],
    )


async def picked_profiles(request: Request, ids: Sequence[int]) -> list[InterviewerProfile]:
    return await interviewer_profiles(app_state(request)["db"], ids)


async def choices(request: Request, values: dict[str, str]) -> dict[str, Any]:
    """The select options of the interview form."""
    db = app_state(request)["db"]
    positions: list[Position] = await list_positions(db, active_only=True)
    candidates: list[Candidate] = await search_candidates(db, limit=50)
    chosen = parse_id(values.get("candidate_id", ""))
    if chosen is not None and all(c.id != chosen for c in candidates):
        current = await get_candidate(db, chosen)
        candidates = [current, *candidates] if current else candidates
    shelf = app_state(request)["papers"]
    papers = None if shelf is None else await shelf.papers()
    return {
        "positions": positions,
        "candidates": candidates,
        "zones": zone_choices(request, values),
        "papers": papers or [],
        "papers_unavailable": shelf is not None and papers is None,
    } | room_kinds(request)


def zone_choices(request: Request, values: dict[str, str]) -> list[str]:
    """The usual zones, plus the one in the form if it is not among them."""
    zone = values.get("timezone") or viewer_timezone(request)
    return list(COMMON_ZONES) if zone in COMMON_ZONES else [zone, *COMMON_ZONES]
