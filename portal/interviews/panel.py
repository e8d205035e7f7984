"""The panel's use cases: an interviewer's reply, and moving an interview through its states."""

from __future__ import annotations

from datetime import datetime

from portal.db.database import Database
from portal.db.interview_writes import set_rsvp, update_interview
from portal.db.interviews import InterviewDetail, hr_recipients
from portal.db.people import Person
from portal.interviews import notify
from portal.interviews.common import Publisher, announce, history, locked, still_open
from portal.interviews.errors import InterviewNotFound
from portal.scheduling import ActorKind, InvalidTransition, Status, transition
from portal.scheduling.states import NOT_ALLOWED

ACCEPTED, DECLINED = "accepted", "declined"


async def respond(
    db: Database,
    broadcaster: Publisher,
    *,
    interview_id: int,
    person_id: int,
    accept: bool,
    reason: str | None,
    now: datetime,
) -> InterviewDetail:
    """An interviewer accepts or declines (web page or WeCom card button).

    Idempotent: the same answer again changes nothing and sends nothing. A decline tells HR
    (the interview's creator, or every HR person if the creator has left). The web form asks
    for a reason when declining; a card button may decline without one.
    Raises `InterviewNotFound` when the person is not on the interview.
    """
    rsvp = ACCEPTED if accept else DECLINED
    reason = None if accept else reason
    async with db.transaction():
        current = await locked(db, interview_id, None)
        member = current.member(person_id)
        if member is None:
            raise InterviewNotFound()
        still_open(current.status)
        if member.rsvp == rsvp and member.rsvp_reason == reason:
            return current
        await set_rsvp(db, interview_id, person_id, rsvp=rsvp, reason=reason, now=now)
        if not accept:
            recipients = await hr_recipients(db, current.created_by)
            await notify.tell_hr_declined(
                db,
                interview_id,
                current.version,
                recipients,
                interviewer=member.wecom_userid,
                reason=reason,
                now=now,
            )
    return await announce(db, broadcaster, interview_id, "rsvp", None)


async def change_status(
    db: Database,
    broadcaster: Publisher,
    *,
    interview_id: int,
    target: Status,
    actor_kind: ActorKind,
    actor: Person | None,
    now: datetime,
    actor_id: str | None = None,
    note: str | None = None,
) -> InterviewDetail:
    """Move the interview to `target` if the state machine lets `actor_kind` do it now.

    Staff pass themselves as `actor`; an interviewer must be on the panel (else 404).
    The candidate, the platform and the system pass `actor=None` and an `actor_id` for the
    history. Cancelling has its own use case (`cancel`), which asks for a reason.
    Raises `InvalidTransition` with the state machine's message when the move is refused.
    """
    if target == Status.CANCELLED:
        raise InvalidTransition(NOT_ALLOWED, {"target": target.value}, status=403)
    async with db.transaction():
        current = await locked(db, interview_id, None)
        if actor_kind == ActorKind.INTERVIEWER and (
            actor is None or current.member(actor.id) is None
        ):
            raise InterviewNotFound()
        status = transition(
            current.status,
            target,
            actor=actor_kind,
            now=now,
            starts_at=current.starts_at,
            ends_at=current.ends_at,
        )
        await update_interview(
            db,
            interview_id,
            {"status": status.value},
            version=current.version,
            actor_id=None if actor is None else actor.id,
            now=now,
        )
        event_id = await history(
            db,
            interview_id,
            current.status,
            status,
            actor=actor,
            now=now,
            actor_kind=actor_kind.value,
            actor_id=actor_id,
            note=note,
        )
        if status == Status.NO_SHOW:  # nobody to remind and nothing to give feedback on
            await notify.withdraw_timed(db, interview_id)
    return await announce(db, broadcaster, interview_id, "status", event_id)
