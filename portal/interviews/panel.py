"""The panel's use cases: an interviewer's reply, and moving an interview through its states.

`move` is the status step: it runs inside the caller's transaction, so the candidate's share
link (`portal.share`) and HR's cancel add their own rows to the same commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portal.db.database import Database
from portal.db.interview_writes import set_rsvp, update_interview
from portal.db.interviews import InterviewDetail, PanelMember, hr_recipients
from portal.interviews import notify
from portal.interviews.checks import DEFAULT_POLICY, BookingPolicy
from portal.interviews.common import (
    Publisher,
    announce,
    history,
    locked,
    note_change,
    still_open,
)
from portal.interviews.errors import InterviewNotFound
from portal.scheduling import Actor, ActorKind, InvalidTransition, Status, transition
from portal.scheduling.states import NOT_ALLOWED

ACCEPTED, DECLINED = "accepted", "declined"


class CardOutdated(Exception):
    """A WeCom card's button for a version a newer card replaced: nothing is recorded."""


@dataclass(frozen=True)
class Moved:
    """What the status step wrote: the new status and version, and the history row's id."""

    status: Status
    version: int
    event_id: int


def _on_panel(current: InterviewDetail, actor: Actor) -> PanelMember:
    """The actor's seat on the panel; anyone else is told the interview does not exist."""
    member = None if actor.person_id is None else current.member(actor.person_id)
    if member is None:
        raise InterviewNotFound()
    return member


async def respond(
    db: Database,
    broadcaster: Publisher,
    *,
    interview_id: int,
    actor: Actor,
    accept: bool,
    reason: str | None,
    now: datetime,
    card_version: int | None = None,
    policy: BookingPolicy = DEFAULT_POLICY,
) -> InterviewDetail:
    """An interviewer accepts or declines (web page or WeCom card button).

    `policy` is the deployment's booking rules: a round that replaces decliners by itself
    books the replacement under them (buffer, platform rooms).

    `card_version` is the version a pressed card was sent for (None: the portal's own page).
    A reply in the portal brings the interviewer's cards in step; a press on a card a newer
    one replaced raises `CardOutdated`.

    Idempotent: the same answer again changes nothing and sends nothing. A decline tells HR
    (the interview's creator, or every HR person if the creator has left). The web form asks
    for a reason when declining; a card button may decline without one.
    Raises `InterviewNotFound` when the actor is not on the interview.
    """
    rsvp = ACCEPTED if accept else DECLINED
    reason = None if accept else reason
    async with db.transaction():
        current = await locked(db, interview_id, None)
        member = _on_panel(current, actor)
        still_open(current.status)
        if card_version is not None and await notify.card_outdated(
            db, interview_id, member.wecom_userid, card_version
        ):
            raise CardOutdated()
        if member.rsvp == rsvp and member.rsvp_reason == reason:
            return current
        await set_rsvp(db, interview_id, member.person_id, rsvp=rsvp, reason=reason, now=now)
        detail = {"rsvp": rsvp, "reason": reason}
        await note_change(db, interview_id, "rsvp", detail, actor=actor, now=now)
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
        if card_version is None:  # a press updates its own card (`portal.wecom_events`)
            tag = f"{rsvp}@{now.isoformat()}"
            await notify.refresh_cards(db, interview_id, member.wecom_userid, tag=tag, now=now)
    answered = await announce(db, broadcaster, interview_id, "rsvp", None)
    if not accept:  # a round may replace the decliner at once (imports booking, which needs us)
        from portal.interviews.replacements import after_decline

        replaced = await after_decline(
            db, broadcaster, interview_id, member.person_id, now=now, policy=policy
        )
        answered = replaced or answered
    return answered


async def move(
    db: Database,
    current: InterviewDetail,
    target: Status,
    *,
    actor: Actor,
    now: datetime,
    values: dict[str, Any] | None = None,
    note: str | None = None,
) -> Moved:
    """The status step, in the caller's transaction on the locked `current`: the state
    machine's check for `actor`, the write (with `values`), the history row."""
    if actor.role == ActorKind.INTERVIEWER:
        _on_panel(current, actor)
    status = transition(
        current.status,
        target,
        actor=actor.role,
        now=now,
        starts_at=current.starts_at,
        ends_at=current.ends_at,
    )
    version = await update_interview(
        db,
        current.id,
        {"status": status.value, **(values or {})},
        version=current.version,
        actor=actor,
        now=now,
    )
    event_id = await history(
        db, current.id, current.status, status, actor=actor, now=now, note=note
    )
    if status == Status.NO_SHOW:  # nobody to remind and nothing to give feedback on
        await notify.withdraw_timed(db, current.id)
    return Moved(status, version, event_id)


async def change_status(
    db: Database,
    broadcaster: Publisher,
    *,
    interview_id: int,
    target: Status,
    actor: Actor,
    now: datetime,
    note: str | None = None,
) -> InterviewDetail:
    """Move the interview to `target` if the state machine lets `actor` do it now.

    An interviewer must be on the panel (else 404). Cancelling has its own use case
    (`booking.cancel`), which asks for a reason.
    Raises `InvalidTransition` with the state machine's message when the move is refused.
    """
    if target == Status.CANCELLED:
        raise InvalidTransition(NOT_ALLOWED, {"target": target.value}, status=403)
    async with db.transaction():
        current = await locked(db, interview_id, None)
        moved = await move(db, current, target, actor=actor, now=now, note=note)
    return await announce(db, broadcaster, interview_id, "status", moved.event_id)
