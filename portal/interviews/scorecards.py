"""Feedback scorecards: an interviewer drafts, then submits (after which it is read-only)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from portal.db.database import Database
from portal.db.feedback import FeedbackEntry, get_feedback, list_feedback, write_feedback
from portal.db.interviews import InterviewDetail, get_detail
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
        detail = await get_detail(db, interview_id)
        if detail is None or detail.member(person_id) is None:
            raise InterviewNotFound()
        entry = await get_feedback(db, interview_id, person_id)
        ensure_feedback_editable(Viewer(person_id, on_panel=True), entry)
        _ensure_open(detail, now)
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
