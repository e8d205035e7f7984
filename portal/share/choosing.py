"""Candidate self-scheduling (issue 16): HR sends a "choose your time" link; the candidate
picks a start, and later may move it through the same picker within the policy.

The link is the candidate's ordinary share link, born before the interview: it names the
invitation (`self_schedules`) until a pick books the interview, then names that interview.

A pick is one booking transaction (`booking.create`): the conflict check, PostgreSQL's
exclusion constraint and the invitation's one-winner `claim` all sit inside it, so when two
people take the same interviewer's time at once exactly one wins; the loser gets
`TimeTaken` and the page shows them the times still open.

Raises:
    TimeTaken: the start is not (or no longer) free for a panel (409).
    AlreadyChosen: the invitation was booked meanwhile, by another tab or click (409).
    ValidationFailed: HR's invitation form is wrong.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.db import audit, self_schedules
from portal.db.availability import availability_inputs
from portal.db.candidates import get_candidate
from portal.db.database import Database
from portal.db.interviewers import interviewer_profiles
from portal.db.interviews import InterviewDetail, candidate_bookings, get_detail
from portal.db.plans import round_pool
from portal.db.self_schedules import SelfSchedule
from portal.db.share_links import (
    ShareLink,
    choice_link_for,
    create_choice_link,
    revoke_choice_links,
)
from portal.db.share_view import save_candidate_timezone
from portal.errors import Conflict, NotFound
from portal.i18n import N_
from portal.interviews import booking, notify, round_offer
from portal.interviews.checks import BookingPolicy
from portal.interviews.common import Publisher
from portal.notifications import kinds
from portal.scheduling import (
    Actor,
    BookingConflict,
    InterviewDraft,
    RescheduleDraft,
    Slot,
    ValidationFailed,
)
from portal.scheduling.availability import SlotOption, SlotQuery, free_slots, reads_window
from portal.scheduling.conflicts import Booking
from portal.scheduling.rooms import RoomKind
from portal.scheduling.self_schedule import SelfScheduleDraft, can_move_self, picking_window
from portal.share.opening import LinkGone, LinkNotFound, OpenedLink, usable_link
from portal.share.status import tell_hr

log = logging.getLogger(__name__)

# A "choose your time" link works this long; the times it offers are counted from each visit.
CHOICE_VALID = timedelta(days=14)

UNKNOWN_ROUND = N_("Choose a round of this position.")
NO_ADDRESS = N_("The candidate has no email address: copy the link and send it yourself.")


class TimeTaken(Conflict):
    message = N_("That time was just taken. Please choose one of the times still open.")


class AlreadyChosen(Conflict):
    message = N_("A time is already chosen for this interview.")


@dataclass(frozen=True)
class OpenedChoice:
    """A "choose your time" link whose time is not chosen yet, and its invitation."""

    link: ShareLink
    schedule: SelfSchedule

    @property
    def actor(self) -> Actor:
        return Actor.candidate(self.schedule.candidate_id)


@dataclass(frozen=True)
class Invitation:
    schedule_id: int
    link_id: int
    mailed: bool  # a "choose your time" email went to the outbox


async def open_choice(db: Database, token: str, *, secret: str, now: datetime) -> OpenedChoice:
    """The link, if it is an unbooked "choose your time" link; else LinkNotFound / LinkGone."""
    link = await usable_link(db, token, secret=secret, now=now)
    if link.self_schedule_id is None or link.interview_id is not None:
        raise LinkNotFound()
    schedule = await self_schedules.get_self_schedule(db, link.self_schedule_id)
    if schedule is None:
        raise LinkNotFound()
    if schedule.state == "withdrawn":
        raise LinkGone()
    return OpenedChoice(link, schedule)


async def invite(
    db: Database,
    draft: SelfScheduleDraft,
    *,
    actor: Actor,
    now: datetime,
    policy: BookingPolicy,
) -> Invitation:
    """Make the invitation and its link; the candidate is emailed when mail is set up."""
    number = await _round_number(db, draft)
    profiles = await interviewer_profiles(db, draft.interviewer_ids)
    if {p.id for p in profiles if p.active} != set(draft.interviewer_ids):
        raise ValidationFailed({"interviewer_ids": N_("Choose interviewers from the list.")}, {})
    candidate = await get_candidate(db, draft.candidate_id)
    if candidate is None:
        raise NotFound()
    async with db.transaction():
        schedule_id = await self_schedules.add_self_schedule(
            db, draft, round_number=number, created_by=actor.person_id, now=now
        )
        link_id = await create_choice_link(
            db, self_schedule_id=schedule_id, expires_at=now + CHOICE_VALID,
            created_by=actor.person_id, now=now,
        )  # fmt: skip
        mailed = policy.candidate_mail and bool((candidate.email or "").strip())
        if mailed:
            await notify.mail_choice(
                db, schedule_id, link_id, str(candidate.email).strip(), now=now
            )
        await audit.record(
            db, "self_schedule_sent", actor=actor, at=now, target_kind="candidate",
            target_id=draft.candidate_id,
            detail={"self_schedule_id": schedule_id, "link_id": link_id, "mailed": mailed},
        )  # fmt: skip
    return Invitation(schedule_id, link_id, mailed)


async def withdraw(db: Database, schedule_id: int, *, actor: Actor, now: datetime) -> bool:
    """HR takes an unbooked invitation back: its link stops working. False if too late."""
    async with db.transaction():
        done = await self_schedules.withdraw(db, schedule_id, at=now)
        if done:
            await revoke_choice_links(db, schedule_id, at=now)
            await audit.record(
                db, "self_schedule_withdrawn", actor=actor, at=now,
                target_kind="self_schedule", target_id=schedule_id,
            )  # fmt: skip
    return done


async def choice_slots(
    db: Database,
    schedule: SelfSchedule,
    *,
    zone: str,
    now: datetime,
    policy: BookingPolicy,
    moving: InterviewDetail | None = None,
) -> list[SlotOption]:
    """The starts open to the candidate, in time order, each with the panel it would get.

    `moving`: the booked interview the candidate wants to move; its own panel is asked, its
    own time is left out, and it does not count against itself.
    """
    if moving is not None:
        required, pool = moving.interviewer_ids, moving.interviewer_ids
        duration = moving.ends_at - moving.starts_at
    else:
        required, pool = schedule.interviewer_ids, await _pool(db, schedule)
        duration = schedule.duration
    everyone = tuple(dict.fromkeys(required + pool))
    if not everyone:
        return []
    window = picking_window(now, zone, days=schedule.days, min_notice=schedule.min_notice)
    query = SlotQuery(
        duration=duration,
        window=window,
        viewer_zone=zone,
        min_notice=schedule.min_notice,
        panel_size=len(required) if moving is not None else schedule.panel_size,
        required=required,
        pool=pool,
    )
    reads = reads_window(query)
    interviewers, bookings, blocks = await availability_inputs(
        db, everyone, reads, default_timezone=policy.default_timezone
    )
    theirs = await candidate_bookings(db, schedule.candidate_id, reads)
    options = free_slots(
        query, now=now, interviewers=interviewers, bookings=bookings, blocks=blocks,
        rules=policy.rules, load=_load(bookings, window.start),
        candidate_bookings=theirs, editing=moving.id if moving is not None else None,
    )  # fmt: skip
    if moving is not None:
        options = [o for o in options if o.slot != moving.slot]
    return sorted(options, key=lambda o: o.slot.starts_at)


async def pick(
    db: Database,
    broadcaster: Publisher,
    opened: OpenedChoice,
    *,
    starts_at: datetime,
    zone: str,
    now: datetime,
    policy: BookingPolicy,
    reported_zone: str | None = None,
) -> InterviewDetail:
    """Book the start the candidate chose; the panel and HR are told as for any booking.
    `reported_zone`, the zone the candidate's browser gave, is kept on the candidate in the
    same transaction, so the booked email already speaks it."""
    schedule = opened.schedule
    option = _at(await choice_slots(db, schedule, zone=zone, now=now, policy=policy), starts_at)
    # The interview keeps the company's zone, like HR's bookings; the candidate sees their own.
    draft = await _draft(db, schedule, option, policy.default_timezone)

    async def claim(interview_id: int) -> None:
        if not await self_schedules.claim(db, schedule.id, now=now):
            raise AlreadyChosen()
        await self_schedules.attach_interview(
            db, schedule.id, interview_id, created_by=schedule.created_by
        )
        await _keep_zone(db, schedule, reported_zone)
        detail = await get_detail(db, interview_id)
        assert detail is not None
        payload: dict[str, object] = {"interview_id": interview_id, "version": detail.version}
        await tell_hr(db, detail, kinds.CANDIDATE_BOOKED, payload, tag="booked", now=now)
        await audit.record(
            db, "self_schedule_booked", actor=opened.actor, at=now, target_kind="interview",
            target_id=interview_id, detail={"self_schedule_id": schedule.id},
        )  # fmt: skip

    try:
        return await booking.create(
            db, broadcaster, draft, actor=opened.actor, now=now, policy=policy,
            link_id=opened.link.id, then=claim,
        )  # fmt: skip
    except BookingConflict as exc:
        log.info("self-schedule %s lost its pick: %s", schedule.id, exc)
        raise TimeTaken() from None


async def move(
    db: Database,
    broadcaster: Publisher,
    opened: OpenedLink,
    schedule: SelfSchedule,
    *,
    starts_at: datetime,
    zone: str,
    now: datetime,
    policy: BookingPolicy,
    cutoff_hours: int,
    max_moves: int,
    reported_zone: str | None = None,
) -> InterviewDetail:
    """Move the chosen interview to another open start, within the policy."""
    interview = opened.interview.detail
    decision = can_move_self(
        now, status=interview.status, starts_at=interview.starts_at, moves=schedule.moves,
        cutoff_hours=cutoff_hours, max_moves=max_moves,
    )  # fmt: skip
    if not decision:
        raise Conflict(decision.reason, params=decision.params)
    options = await choice_slots(db, schedule, zone=zone, now=now, policy=policy, moving=interview)
    option = _at(options, starts_at)
    draft = RescheduleDraft(option.slot, interview.timezone, None, False, interview.version)

    async def counted(interview_id: int) -> None:
        await self_schedules.count_move(db, schedule.id)
        await _keep_zone(db, schedule, reported_zone)
        detail = await get_detail(db, interview_id)
        assert detail is not None
        payload: dict[str, object] = {"interview_id": interview_id, "version": detail.version}
        tag = f"moved{detail.version}"
        await tell_hr(db, detail, kinds.CANDIDATE_MOVED, payload, tag=tag, now=now)

    try:
        return await booking.reschedule(
            db, broadcaster, interview.id, draft, actor=opened.actor, now=now, policy=policy,
            then=counted,
        )  # fmt: skip
    except BookingConflict as exc:
        log.info("interview %s: the candidate's move lost: %s", interview.id, exc)
        raise TimeTaken() from None


async def choice_link(db: Database, schedule_id: int) -> ShareLink | None:
    return await choice_link_for(db, schedule_id)


async def _keep_zone(db: Database, schedule: SelfSchedule, zone: str | None) -> None:
    if zone and zone != schedule.candidate_timezone:
        await save_candidate_timezone(db, candidate_id=schedule.candidate_id, timezone=zone)


def _at(options: list[SlotOption], starts_at: datetime) -> SlotOption:
    found = next((o for o in options if o.slot.starts_at == starts_at), None)
    if found is None:
        raise TimeTaken()
    return found


def _load(bookings: list[Booking], since: datetime) -> dict[int, int]:
    """Each person's upcoming bookings in the window read: the least loaded are suggested."""
    return dict(
        Counter(
            b.person_id for b in bookings if b.person_id is not None and b.slot.starts_at >= since
        )
    )


async def _pool(db: Database, schedule: SelfSchedule) -> tuple[int, ...]:
    if schedule.plan_round_id is None:
        return ()
    return tuple(m.person_id for m in await round_pool(db, schedule.plan_round_id) if m.active)


async def _round_number(db: Database, draft: SelfScheduleDraft) -> int:
    offer = await round_offer.chosen(db, draft.candidate_id, draft.position_id, draft.plan_round_id)
    if draft.plan_round_id is not None and offer.plan_round is None:
        raise ValidationFailed({"plan_round_id": UNKNOWN_ROUND}, {})
    return offer.number


async def _draft(
    db: Database, schedule: SelfSchedule, option: SlotOption, zone: str
) -> InterviewDraft:
    plan_round = None
    if schedule.plan_round_id is not None:
        plan_round = await round_offer.round_of(db, schedule.position_id, schedule.plan_round_id)
    room_kind = RoomKind(plan_round.room_kind) if plan_round is not None else None
    return InterviewDraft(
        candidate_id=schedule.candidate_id,
        new_candidate=None,
        position_id=schedule.position_id,
        round=schedule.round,
        slot=Slot.starting(option.slot.starts_at, option.slot.ends_at - option.slot.starts_at),
        timezone=zone,
        interviewer_ids=option.panel,
        room_url=None,
        location=None,
        notes=None,
        candidate_prep=None,
        hide_interviewers=False,
        override=False,
        version=None,
        room_kind=room_kind,
        room_paper_uid=plan_round.room_paper_uid if plan_round is not None else None,
        plan_round_id=plan_round.id if plan_round is not None else None,
    )
