"""HR's use cases: create, edit, reschedule and cancel an interview (`call_off` is the cancel
step the candidate's share link runs too).

The conflict check runs inside the write transaction: SQLite takes its write lock first, so
bookings are serialised; on PostgreSQL two transactions can both pass the check, and the
exclusion constraint stops the second (`SlotTaken` becomes the same `BookingConflict`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from portal.db import audit
from portal.db.database import Database
from portal.db.interview_writes import (
    SlotTaken,
    insert_interview,
    move_panel,
    put_on_panel,
    release_panel,
    take_off_panel,
    update_interview,
)
from portal.db.interviewers import interviewer_profiles
from portal.db.interviews import InterviewDetail
from portal.db.reschedule_requests import mark_handled
from portal.db.share_links import attach_link, create_link, extend_for_interview, link_expiry
from portal.interviews import changelog, notify, rooms
from portal.interviews.checks import (
    DEFAULT_POLICY,
    BookingPolicy,
    available_profiles,
    find_conflicts,
    overlapped,
    overridden,
)
from portal.interviews.common import Publisher, announce, history, locked, still_open, taken
from portal.interviews.drafts import check_references, interview_values, new_candidate
from portal.interviews.errors import SAME_TIME
from portal.interviews.panel import Moved, move
from portal.scheduling import (
    Actor,
    CancelDraft,
    Conflict,
    InterviewDraft,
    RescheduleDraft,
    Slot,
    Status,
    ValidationFailed,
    raise_if_blocking,
    reschedule_status,
)

# A step run inside the booking's transaction once the interview is written (given its id): a
# candidate's pick claims their invitation there, so a lost claim undoes the booking.
BookingStep = Callable[[int], Awaitable[None]]


@asynccontextmanager
async def _booking(db: Database) -> AsyncIterator[None]:
    """One booking transaction; PostgreSQL's exclusion constraint firing is a BookingConflict."""
    try:
        async with db.transaction():
            yield
    except SlotTaken as exc:
        raise taken(exc) from exc


async def create(
    db: Database,
    broadcaster: Publisher,
    draft: InterviewDraft,
    *,
    actor: Actor,
    now: datetime,
    policy: BookingPolicy = DEFAULT_POLICY,
    link_id: int | None = None,
    then: BookingStep | None = None,
) -> InterviewDetail:
    """Book a new interview; invites, reminders and feedback nudges go to the outbox.

    `link_id`: the candidate's existing share link (a "choose your time" link) becomes the
    interview's, instead of a new one. `then` runs last, inside the transaction.
    """
    async with _booking(db):
        interview_id, event_id = await _create(db, draft, actor, now, policy, link_id)
        if then is not None:
            await then(interview_id)
    return await announce(db, broadcaster, interview_id, "created", event_id)


async def update(
    db: Database,
    broadcaster: Publisher,
    interview_id: int,
    draft: InterviewDraft,
    *,
    actor: Actor,
    now: datetime,
    policy: BookingPolicy = DEFAULT_POLICY,
) -> InterviewDetail:
    """Save the edit form; a new time counts as a reschedule (replies start over).

    Raises `StaleInterview` when `draft.version` is not the current one.
    """
    async with _booking(db):
        event_id = await _update(db, interview_id, draft, actor, now, policy)
    return await announce(db, broadcaster, interview_id, "changed", event_id)


async def reschedule(
    db: Database,
    broadcaster: Publisher,
    interview_id: int,
    draft: RescheduleDraft,
    *,
    actor: Actor,
    now: datetime,
    policy: BookingPolicy = DEFAULT_POLICY,
    then: BookingStep | None = None,
) -> InterviewDetail:
    """Move the interview to a new time: replies reset, reminders are replaced.

    `then` runs last, inside the transaction (a candidate's move counts itself there).
    """
    async with _booking(db):
        event_id = await _reschedule(db, interview_id, draft, actor, now, policy)
        if then is not None:
            await then(interview_id)
    return await announce(db, broadcaster, interview_id, "changed", event_id)


async def cancel(
    db: Database,
    broadcaster: Publisher,
    interview_id: int,
    draft: CancelDraft,
    *,
    actor: Actor,
    now: datetime,
) -> InterviewDetail:
    """Cancel with a reason: the panel is told, pending reminders are withdrawn, audited."""
    async with db.transaction():
        current = await locked(db, interview_id, draft.version)
        moved = await call_off(db, current, actor=actor, reason=draft.reason, now=now)
        await audit.record(
            db,
            "interview_cancelled",
            actor=actor,
            at=now,
            target_kind="interview",
            target_id=interview_id,
            detail={"reason": draft.reason},
        )
    return await announce(db, broadcaster, interview_id, "cancelled", moved.event_id)


async def call_off(
    db: Database, current: InterviewDetail, *, actor: Actor, reason: str | None, now: datetime
) -> Moved:
    """The cancel step, in the caller's transaction: the status move, then the panel's time is
    freed, they are told, reminders are withdrawn, and an open request for another time closes."""
    values = {"cancel_reason": reason}
    moved = await move(
        db, current, Status.CANCELLED, actor=actor, now=now, values=values, note=reason
    )
    await release_panel(db, current.id)
    await rooms.called_off(db, current.id, now=now)
    await mark_handled(db, interview_id=current.id, handled_by=actor.person_id, at=now)
    panel = [member.wecom_userid for member in current.panel]
    await notify.tell(
        db, notify.CANCELLED, current.id, moved.version, panel, now=now, reason=reason
    )
    await notify.withdraw_timed(db, current.id)
    await notify.mail_candidate(
        db, notify.MAIL_CANCELLED, current.id, moved.version, current.slot, now=now, enabled=None
    )
    return moved


async def _create(
    db: Database,
    draft: InterviewDraft,
    actor: Actor,
    now: datetime,
    policy: BookingPolicy,
    link_id: int | None = None,
) -> tuple[int, int]:
    await check_references(db, draft)
    profiles = await available_profiles(db, draft.interviewer_ids)
    conflicts = await find_conflicts(
        db,
        draft.slot,
        interviewers=profiles,
        candidate_id=draft.candidate_id,
        editing=None,
        now=now,
        policy=policy,
        override=draft.override,
    )
    raise_if_blocking(conflicts)
    candidate_id = draft.candidate_id or await new_candidate(db, draft, now)
    room = await rooms.chosen(db, draft, None)
    interview_id = await insert_interview(
        db, interview_values(draft, candidate_id, room), actor=actor, now=now
    )
    ids = [p.id for p in profiles]
    await put_on_panel(db, interview_id, ids, draft.slot, overrides=overlapped(conflicts))
    event_id = await history(db, interview_id, None, Status.SCHEDULED, actor=actor, now=now)
    await _audit_override(db, interview_id, conflicts, actor, now)
    # The candidate's link is born with the interview (HR can regenerate or revoke it), or
    # is the one they chose the time through.
    expires_at = link_expiry(draft.slot.ends_at, policy.link_grace_hours)
    if link_id is None:
        await create_link(
            db, interview_id=interview_id, expires_at=expires_at, created_by=actor.person_id,
            now=now,
        )  # fmt: skip
    else:
        await attach_link(db, link_id, interview_id=interview_id, expires_at=expires_at)
    await rooms.booked(db, interview_id, room, policy, now=now)
    userids = [p.wecom_userid for p in profiles]
    await notify.tell(db, notify.INVITED, interview_id, 1, userids, now=now)
    await notify.schedule_timed(db, interview_id, 1, draft.slot, userids, now=now)
    await notify.mail_candidate(
        db, notify.MAIL_BOOKED, interview_id, 1, draft.slot, now=now, enabled=policy.candidate_mail
    )
    return interview_id, event_id


async def _update(
    db: Database,
    interview_id: int,
    draft: InterviewDraft,
    actor: Actor,
    now: datetime,
    policy: BookingPolicy,
) -> int | None:
    current = await locked(db, interview_id, draft.version)
    await check_references(db, draft, kept_round=current.plan_round_id)
    profiles = await available_profiles(db, draft.interviewer_ids)
    moved = draft.slot != current.slot
    status = reschedule_status(current.status) if moved else still_open(current.status)
    before, after = set(current.interviewer_ids), set(draft.interviewer_ids)
    added = [p for p in profiles if p.id not in before]
    kept = [p for p in profiles if p.id in before]
    removed = [m.wecom_userid for m in current.panel if m.person_id not in after]
    other_candidate = draft.candidate_id != current.candidate_id
    conflicts: list[Conflict] = []
    if moved or added or other_candidate:
        conflicts = await find_conflicts(
            db,
            draft.slot,
            interviewers=profiles if moved else added,
            candidate_id=draft.candidate_id if moved or other_candidate else None,
            editing=interview_id,
            now=now,
            policy=policy,
            override=draft.override,
        )
        raise_if_blocking(conflicts)
    candidate_id = draft.candidate_id or await new_candidate(db, draft, now)
    room = await rooms.chosen(db, draft, current)
    values = interview_values(draft, candidate_id, room) | {"status": status.value}
    version = await _save(db, current, values, actor, now)
    await take_off_panel(db, interview_id, before - after)
    overrides = overlapped(conflicts)
    if moved:
        await move_panel(db, interview_id, [p.id for p in kept], draft.slot, overrides=overrides)
    await put_on_panel(db, interview_id, [p.id for p in added], draft.slot, overrides=overrides)
    panel_changed = bool(added or removed)
    await rooms.edited(db, current, room, panel_changed=panel_changed, policy=policy, now=now)
    event_id = None
    if status != current.status:
        event_id = await history(db, interview_id, current.status, status, actor=actor, now=now)
    await _note_edit(db, current, draft, values, [p.display_name for p in added], actor, now)
    if moved:
        await _follow_new_time(db, interview_id, draft.slot.ends_at, actor, policy, now)
    await _audit_override(db, interview_id, conflicts, actor, now)
    await notify.tell(db, notify.REMOVED, interview_id, version, removed, now=now)
    await notify.withdraw_timed(db, interview_id, removed)
    stay = [p.wecom_userid for p in kept]
    if moved:
        await _announce_move(db, interview_id, version, draft.slot, stay, None, policy, now)
    elif (draft.room_url, draft.location) != (current.room_url, current.location):
        await notify.tell(db, notify.CHANGED, interview_id, version, stay, now=now)
    newcomers = [p.wecom_userid for p in added]
    await notify.tell(db, notify.INVITED, interview_id, version, newcomers, now=now)
    await notify.schedule_timed(db, interview_id, version, draft.slot, newcomers, now=now)
    return event_id


async def _reschedule(
    db: Database,
    interview_id: int,
    draft: RescheduleDraft,
    actor: Actor,
    now: datetime,
    policy: BookingPolicy,
) -> int | None:
    current = await locked(db, interview_id, draft.version)
    if draft.slot == current.slot:
        raise ValidationFailed({"time": SAME_TIME}, {})
    status = reschedule_status(current.status)
    profiles = await interviewer_profiles(db, current.interviewer_ids)
    conflicts = await find_conflicts(
        db,
        draft.slot,
        interviewers=profiles,
        candidate_id=current.candidate_id,
        editing=interview_id,
        now=now,
        policy=policy,
        override=draft.override,
    )
    raise_if_blocking(conflicts)
    values = {
        "starts_at": draft.slot.starts_at,
        "ends_at": draft.slot.ends_at,
        "timezone": draft.timezone,
        "status": status.value,
    }
    version = await _save(db, current, values, actor, now)
    ids = current.interviewer_ids
    await move_panel(db, interview_id, ids, draft.slot, overrides=overlapped(conflicts))
    event_id = None
    if status != current.status:
        event_id = await history(
            db, interview_id, current.status, status, actor=actor, now=now, note=draft.reason
        )
    await changelog.time_moved(
        db, interview_id, current.slot, draft.slot, actor=actor, now=now, reason=draft.reason
    )
    await _follow_new_time(db, interview_id, draft.slot.ends_at, actor, policy, now)
    await _audit_override(db, interview_id, conflicts, actor, now)
    userids = [member.wecom_userid for member in current.panel]
    await _announce_move(db, interview_id, version, draft.slot, userids, draft.reason, policy, now)
    return event_id


async def _announce_move(
    db: Database,
    interview_id: int,
    version: int,
    slot: Slot,
    userids: list[str],
    reason: str | None,
    policy: BookingPolicy,
    now: datetime,
) -> None:
    """A new time told to the panel (changed cards, reminders) and mailed to the candidate."""
    await notify.announce_move(db, interview_id, version, slot, userids, reason, now=now)
    await notify.mail_candidate(
        db,
        notify.MAIL_RESCHEDULED,
        interview_id,
        version,
        slot,
        now=now,
        enabled=policy.candidate_mail,
    )


async def _note_edit(
    db: Database,
    current: InterviewDetail,
    draft: InterviewDraft,
    values: dict[str, Any],
    added: list[str],
    actor: Actor,
    now: datetime,
) -> None:
    """The edit form's changes in the history: the time, who joined or left, other fields."""
    if draft.slot != current.slot:
        await changelog.time_moved(db, current.id, current.slot, draft.slot, actor=actor, now=now)
    after = set(draft.interviewer_ids)
    removed = [m.display_name for m in current.panel if m.person_id not in after]
    await changelog.panel_changed(
        db, current.id, added=added, removed=removed, actor=actor, now=now
    )
    await changelog.details_edited(db, current, values, actor=actor, now=now)


async def _follow_new_time(
    db: Database,
    interview_id: int,
    ends_at: datetime,
    actor: Actor,
    policy: BookingPolicy,
    now: datetime,
) -> None:
    """A new time answers the candidate's open reschedule request; their link follows it."""
    await extend_for_interview(db, interview_id, ends_at, grace_hours=policy.link_grace_hours)
    await mark_handled(db, interview_id=interview_id, handled_by=actor.person_id, at=now)


async def _save(
    db: Database,
    current: InterviewDetail,
    values: dict[str, Any],
    actor: Actor,
    now: datetime,
) -> int:
    return await update_interview(
        db, current.id, values, version=current.version, actor=actor, now=now
    )


async def _audit_override(
    db: Database, interview_id: int, conflicts: list[Conflict], actor: Actor, now: datetime
) -> None:
    """HR booked over an overlap on purpose: keep a record of who and which."""
    overlaps = overridden(conflicts)
    if overlaps:
        await audit.record(
            db,
            "booking_override",
            actor=actor,
            at=now,
            target_kind="interview",
            target_id=interview_id,
            detail={"overlaps": overlaps},
        )
