"""Feedback scorecards: an interviewer drafts, then submits (after which it is read-only)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from portal.db.database import Database
from portal.db.feedback import (
    FeedbackEntry,
    get_feedback,
    list_feedback,
    write_feedback,
    write_structured,
)
from portal.db.interviews import InterviewDetail, get_detail
from portal.db.plans import PlanRound, get_round
from portal.interviews.common import Publisher, announce
from portal.interviews.errors import (
    FEEDBACK_CANCELLED,
    FEEDBACK_NOT_OPEN,
    FeedbackClosed,
    InterviewNotFound,
)
from portal.scheduling import (
    EARLY_WINDOW,
    Scorecard,
    Status,
    Viewer,
    ensure_feedback_editable,
    visible_feedback,
)
from portal.scheduling.feedback import Recommendation
from portal.scheduling.kits import FocusArea
from portal.scheduling.scorecards import (
    FieldValue,
    StructuredCard,
    apply_legacy,
    apply_structured,
    carry,
    scores_from_json,
)

_UNDER_WAY = frozenset({Status.IN_PROGRESS, Status.COMPLETED})


def feedback_open(detail: InterviewDetail, now: datetime) -> bool:
    """Feedback can be written once the interview is under way (or its start is near)."""
    if detail.status in (Status.CANCELLED, Status.NO_SHOW):
        return False
    return detail.status in _UNDER_WAY or now >= detail.starts_at - EARLY_WINDOW


def _ensure_open(detail: InterviewDetail, now: datetime) -> None:
    if detail.status in (Status.CANCELLED, Status.NO_SHOW):
        raise FeedbackClosed(FEEDBACK_CANCELLED)
    if not feedback_open(detail, now):
        raise FeedbackClosed(FEEDBACK_NOT_OPEN)


async def plan_round_of(db: Database, detail: InterviewDetail) -> PlanRound | None:
    """The plan round the interview was booked as (removed rounds too), if any."""
    return None if detail.plan_round_id is None else await get_round(db, detail.plan_round_id)


async def kit_areas(db: Database, detail: InterviewDetail) -> tuple[FocusArea, ...] | None:
    """The focus areas a card for this interview is written against now; None: legacy card."""
    found = await plan_round_of(db, detail)
    return found.focus_areas if found is not None and found.focus_areas else None


async def _editable(
    db: Database, interview_id: int, person_id: int, now: datetime
) -> tuple[InterviewDetail, FeedbackEntry | None]:
    detail = await get_detail(db, interview_id)
    if detail is None or detail.member(person_id) is None:
        raise InterviewNotFound()
    entry = await get_feedback(db, interview_id, person_id)
    ensure_feedback_editable(Viewer(person_id, on_panel=True), entry)
    _ensure_open(detail, now)
    return detail, entry


def structured_draft(entry: FeedbackEntry | None) -> StructuredCard:
    """The structured card as stored (an empty one when there is none)."""
    if entry is None:
        return StructuredCard({}, None, None)
    recommendation = entry.recommendation
    return StructuredCard(
        scores_from_json(entry.scores),
        Recommendation(recommendation) if recommendation in _RECOMMENDATIONS else None,
        entry.notes,
    )


def legacy_draft(entry: FeedbackEntry | None) -> Scorecard:
    if entry is None:
        return Scorecard(None, None, None, None, None, submit=False)
    recommendation = entry.recommendation
    return Scorecard(
        entry.rating,
        Recommendation(recommendation) if recommendation in _RECOMMENDATIONS else None,
        entry.strengths,
        entry.concerns,
        entry.notes,
        submit=False,
    )


_RECOMMENDATIONS = frozenset(choice.value for choice in Recommendation)


async def save_structured(
    db: Database,
    broadcaster: Publisher,
    *,
    interview_id: int,
    person_id: int,
    card: StructuredCard,
    now: datetime,
) -> FeedbackEntry:
    """Save the structured card (a draft) or submit it, which freezes its structure and scores.

    Each save copies the kit's focus areas as they are now, so a draft follows the kit; the
    scores of areas no longer in it are dropped. Raises as `save_feedback`.
    """
    async with db.transaction():
        detail, entry = await _editable(db, interview_id, person_id, now)
        areas = await kit_areas(db, detail) or ()
        card = replace(card, scores=carry(card.scores, areas))
        await write_structured(
            db, interview_id, person_id, card, areas, exists=entry is not None, now=now
        )
        saved = await get_feedback(db, interview_id, person_id)
    assert saved is not None
    if card.submit:
        await announce(db, broadcaster, interview_id, "feedback", None)
    return saved


async def save_field(
    db: Database, *, interview_id: int, person_id: int, change: FieldValue, now: datetime
) -> FeedbackEntry:
    """Save one autosaved field into the draft (structured or legacy, as the kit says)."""
    async with db.transaction():
        detail, entry = await _editable(db, interview_id, person_id, now)
        exists = entry is not None
        areas = await kit_areas(db, detail)
        if areas is None:
            legacy = apply_legacy(legacy_draft(entry), change)
            await write_feedback(db, interview_id, person_id, legacy, exists=exists, now=now)
        else:
            card = apply_structured(structured_draft(entry), change)
            card = replace(card, scores=carry(card.scores, areas))
            await write_structured(db, interview_id, person_id, card, areas, exists=exists, now=now)
        saved = await get_feedback(db, interview_id, person_id)
    assert saved is not None
    return saved


async def save_feedback(
    db: Database,
    broadcaster: Publisher,
    *,
    interview_id: int,
    person_id: int,
    card: Scorecard,
    now: datetime,
) -> FeedbackEntry:
    """Save the scorecard as a draft, or submit it when `card.submit` (then it is final).

    Raises `InterviewNotFound` off the panel, `FeedbackLocked` once submitted, and
    `FeedbackClosed` before the interview starts or after a cancellation or no-show.
    """
    async with db.transaction():
        _, entry = await _editable(db, interview_id, person_id, now)
        await write_feedback(db, interview_id, person_id, card, exists=entry is not None, now=now)
        saved = await get_feedback(db, interview_id, person_id)
    assert saved is not None
    if card.submit:
        await announce(db, broadcaster, interview_id, "feedback", None)
    return saved


async def submit_feedback(
    db: Database,
    broadcaster: Publisher,
    *,
    interview_id: int,
    person_id: int,
    card: Scorecard,
    now: datetime,
) -> FeedbackEntry:
    """Submit the scorecard (final); see `save_feedback`."""
    return await save_feedback(
        db,
        broadcaster,
        interview_id=interview_id,
        person_id=person_id,
        card=replace(card, submit=True),
        now=now,
    )


async def feedback_for(
    db: Database, detail: InterviewDetail, *, person_id: int, is_hr: bool
) -> tuple[FeedbackEntry | None, list[FeedbackEntry]]:
    """The viewer's own scorecard and the others' they may read (see `scheduling.feedback`)."""
    entries = await list_feedback(db, detail.id)
    viewer = Viewer(person_id, is_hr=is_hr, on_panel=detail.member(person_id) is not None)
    own = next((e for e in entries if e.person_id == person_id), None)
    others = [e for e in visible_feedback(viewer, entries) if e.person_id != person_id]
    return own, others
