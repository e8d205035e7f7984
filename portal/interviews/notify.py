"""The outbox rows the interview use cases write (the notifications issue sends them).

Every payload names the interview and its version; the sender renders from the database at
send time. Dedupe keys carry the version, so a repeated action never sends twice while a
reschedule (a new version) queues fresh reminders.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from portal.db.candidate_mail import candidate_email, candidate_was_mailed
from portal.db.cards import cards_of
from portal.db.database import Database
from portal.db.outbox import bring_forward, cancel_pending, dedupe_key, enqueue
from portal.db.rsvp_followup import interview_zone
from portal.scheduling import Slot
from portal.scheduling.rsvp_followup import reminder_due

INVITED = "invited"
CHANGED = "changed"
CANCELLED = "cancelled"
REMOVED = "removed"
REMINDER = "reminder"
FEEDBACK_DUE = "feedback_due"
RSVP_REMINDER = "rsvp_reminder"
INTERVIEWER_DECLINED = "interviewer_declined"
CARD_UPDATE = "card_update"
TIMED = (REMINDER, FEEDBACK_DUE, RSVP_REMINDER)
# The cards with Accept / Decline, each for the interview version it was queued at.
REPLY_CARDS = (INVITED, CHANGED)

MAIL_BOOKED = "mail_booked"
MAIL_RESCHEDULED = "mail_rescheduled"
MAIL_CANCELLED = "mail_cancelled"
MAIL_REMINDER = "mail_reminder"
MAIL_CHOOSE = "mail_choose"

REMINDER_BEFORE = timedelta(minutes=15)
MAIL_REMINDER_BEFORE = timedelta(hours=24)
FEEDBACK_AFTER = timedelta(hours=1)


async def tell(
    db: Database,
    kind: str,
    interview_id: int,
    version: int,
    recipients: Iterable[str],
    *,
    now: datetime,
    **extra: object,
) -> None:
    """One message of `kind` for each recipient, sent as soon as the worker gets to it."""
    payload = {"interview_id": interview_id, "version": version, **extra}
    for userid in recipients:
        await enqueue(
            db,
            kind=kind,
            recipient=userid,
            payload=payload,
            dedupe=dedupe_key(kind, interview_id, userid, version),
            now=now,
            interview_id=interview_id,
        )


async def schedule_timed(
    db: Database,
    interview_id: int,
    version: int,
    slot: Slot,
    recipients: Iterable[str],
    *,
    now: datetime,
) -> None:
    """A reminder before the start and a feedback nudge after the end, per interviewer; and,
    as they are asked to reply (invited, or the time moved), one reply reminder (RSVP_REMINDER,
    skipped at send time once they replied: `rsvp_followup.reminder_due` for when)."""
    payload = {"interview_id": interview_id, "version": version}
    due: dict[str, datetime] = {
        REMINDER: slot.starts_at - REMINDER_BEFORE,
        FEEDBACK_DUE: slot.ends_at + FEEDBACK_AFTER,
    }
    recipients = list(recipients)
    zone = await interview_zone(db, interview_id) if recipients else None
    chase = reminder_due(now, slot.starts_at, zone) if zone else None
    if chase is not None:
        due[RSVP_REMINDER] = chase
    for userid in recipients:
        for kind, due_at in due.items():
            await enqueue(
                db,
                kind=kind,
                recipient=userid,
                payload=payload,
                dedupe=dedupe_key(kind, interview_id, userid, version),
                now=now,
                due_at=due_at,
                interview_id=interview_id,
            )


async def mail_candidate(
    db: Database,
    kind: str,
    interview_id: int,
    version: int,
    slot: Slot,
    *,
    now: datetime,
    enabled: bool | None,
) -> None:
    """The candidate's email of `kind` (booked, rescheduled, cancelled), if mail is `enabled`
    (an SMTP server is configured) and they have an address; booked and rescheduled also
    (re)plan the reminder 24 h before the start. `enabled=None` (a cancellation, which knows
    no settings): only if they were mailed about this interview before. The worker renders it
    at send time."""
    await cancel_pending(db, interview_id=interview_id, kinds=(MAIL_REMINDER,))
    if enabled is None:
        enabled = await candidate_was_mailed(db, interview_id, (MAIL_BOOKED, MAIL_RESCHEDULED))
    address = await candidate_email(db, interview_id) if enabled else None
    if not address:
        return
    payload = {"interview_id": interview_id, "version": version}
    await enqueue(
        db,
        kind=kind,
        recipient=address,
        payload=payload,
        dedupe=dedupe_key(kind, interview_id, "candidate", version),
        now=now,
        interview_id=interview_id,
    )
    remind_at = slot.starts_at - MAIL_REMINDER_BEFORE
    if kind != MAIL_CANCELLED and remind_at > now:
        await enqueue(
            db,
            kind=MAIL_REMINDER,
            recipient=address,
            payload=payload,
            dedupe=dedupe_key(MAIL_REMINDER, interview_id, "candidate", version),
            now=now,
            due_at=remind_at,
            interview_id=interview_id,
        )


async def withdraw_timed(
    db: Database, interview_id: int, recipients: Iterable[str] | None = None
) -> None:
    """Withdraw reminders and feedback nudges not sent yet (all, or these recipients')."""
    if recipients is None:
        await cancel_pending(db, interview_id=interview_id, kinds=TIMED)
        return
    for userid in recipients:
        await cancel_pending(db, interview_id=interview_id, kinds=TIMED, recipient=userid)


async def chase_feedback_now(db: Database, interview_id: int, *, now: datetime) -> int:
    """The interview ended (the room said so): ask for feedback now, not an hour after the
    scheduled end."""
    return await bring_forward(db, interview_id=interview_id, kind=FEEDBACK_DUE, at=now)


async def tell_hr_declined(
    db: Database,
    interview_id: int,
    version: int,
    recipients: Iterable[str],
    *,
    interviewer: str,
    reason: str | None,
    now: datetime,
) -> None:
    """HR hears that an interviewer declined (once per interviewer and version)."""
    payload = {"interview_id": interview_id, "version": version, "interviewer": interviewer}
    payload["reason"] = reason
    for userid in recipients:
        await enqueue(
            db,
            kind=INTERVIEWER_DECLINED,
            recipient=userid,
            payload=payload,
            dedupe=dedupe_key(INTERVIEWER_DECLINED, interview_id, userid, version, interviewer),
            now=now,
            interview_id=interview_id,
        )


async def announce_move(
    db: Database,
    interview_id: int,
    version: int,
    slot: Slot,
    userids: Sequence[str],
    reason: str | None,
    *,
    now: datetime,
) -> None:
    """The panel hears of the new time; reminders for the old one are replaced."""
    await tell(db, CHANGED, interview_id, version, userids, now=now, reason=reason)
    await withdraw_timed(db, interview_id, userids)
    await schedule_timed(db, interview_id, version, slot, userids, now=now)


async def card_outdated(db: Database, interview_id: int, userid: str, version: int) -> bool:
    """A card for `version` that a newer one replaced: the time, place or panel changed."""
    cards = await cards_of(db, [interview_id], REPLY_CARDS, recipient=userid)
    return any(card.version > version for card in cards)


async def refresh_cards(
    db: Database,
    interview_id: int,
    userid: str,
    *,
    tag: object,
    now: datetime,
    besides: int | None = None,
) -> bool:
    """Bring `userid`'s cards (other than outbox row `besides`) in step with the interview, if
    the portal can still update any; `tag` names the change. False when there was none."""
    cards = await cards_of(db, [interview_id], REPLY_CARDS, recipient=userid)
    if not any(card.updatable and card.id != besides for card in cards):
        return False
    return await enqueue(
        db,
        kind=CARD_UPDATE,
        recipient=userid,
        payload={"interview_id": interview_id, "refresh": True},
        dedupe=dedupe_key(CARD_UPDATE, "refresh", interview_id, userid, tag),
        now=now,
        interview_id=interview_id,
    )


async def mail_choice(
    db: Database, self_schedule_id: int, link_id: int, address: str, *, now: datetime
) -> None:
    """The candidate's "choose your time" email, for an invitation with no interview yet.
    The worker renders it at send time from the invitation and signs the link then."""
    await enqueue(
        db,
        kind=MAIL_CHOOSE,
        recipient=address,
        payload={"self_schedule_id": self_schedule_id, "link_id": link_id},
        dedupe=dedupe_key(MAIL_CHOOSE, f"s{self_schedule_id}", link_id),
        now=now,
    )
