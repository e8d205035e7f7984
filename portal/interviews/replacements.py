"""Replacing an interviewer who declined: the best free, qualified member of the round's pool.

The suggestion is the plan round's pool member who has never had a seat on the interview, is
active, and is free at its time by the booking rules themselves (`find_conflicts` says nothing
at all for them), least loaded this week first (then over the last 90 days, then by name).

`replace` runs HR's panel edit (`booking._update`: the newcomer's INVITED card, reminders, the
room seat, the history's panel line, the decliner taken off and told) in one transaction with
a fresh check and an audit row. After a decline, a round with `auto_replace` replaces at once
(`after_decline`, actor system); otherwise HR sees the suggestion on the interview page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from portal.db import audit
from portal.db.database import Database
from portal.db.interviewers import InterviewerProfile, interviewer_profiles
from portal.db.interviews import InterviewDetail, get_detail
from portal.db.load import interviewer_load
from portal.db.plans import get_round, round_pool
from portal.db.replacements import ever_on_panel
from portal.errors import DomainError
from portal.i18n import N_
from portal.interviews.booking import _booking, _update
from portal.interviews.checks import DEFAULT_POLICY, BookingPolicy, find_conflicts
from portal.interviews.common import Publisher, announce, locked
from portal.interviews.errors import InterviewNotFound
from portal.load import windows_at
from portal.scheduling import TERMINAL, Actor, InterviewDraft
from portal.scheduling.rooms import RoomKind

log = logging.getLogger(__name__)

NOT_DECLINED = N_("That interviewer has not declined this interview.")
NO_LONGER_FREE = N_(
    "%(name)s is no longer free at this time or not in the round's pool. "
    "The suggestion has been refreshed."
)


class ReplacementUnavailable(DomainError):
    status = 409


@dataclass(frozen=True)
class Suggestion:
    person_id: int
    name: str  # display name
    week_load: int  # interviews this week


async def _free(
    db: Database,
    detail: InterviewDetail,
    profile: InterviewerProfile,
    now: datetime,
    policy: BookingPolicy,
) -> bool:
    conflicts = await find_conflicts(
        db,
        detail.slot,
        interviewers=[profile],
        candidate_id=None,
        editing=detail.id,
        now=now,
        policy=policy,
        override=False,
    )
    return not conflicts


async def _candidates(
    db: Database, detail: InterviewDetail, now: datetime, policy: BookingPolicy
) -> list[Suggestion]:
    """Every free, qualified person who could take the seat, best first."""
    if detail.plan_round_id is None or detail.status in TERMINAL:
        return []
    taken = await ever_on_panel(db, detail.id)
    pool = [m.person_id for m in await round_pool(db, detail.plan_round_id) if m.active]
    profiles = [p for p in await interviewer_profiles(db, pool) if p.active and p.id not in taken]
    if not profiles:
        return []
    load = {
        row.person_id: row
        for row in await interviewer_load(db, windows=windows_at(now, detail.timezone))
    }
    found = []
    for profile in profiles:
        if await _free(db, detail, profile, now, policy):
            row = load.get(profile.id)
            found.append((row.week if row else 0, row.recent if row else 0, profile))
    found.sort(key=lambda item: (item[0], item[1], item[2].name, item[2].id))
    return [Suggestion(p.id, p.display_name, week) for week, _recent, p in found]


async def best_replacement(
    db: Database,
    interview: InterviewDetail,
    now: datetime,
    *,
    policy: BookingPolicy = DEFAULT_POLICY,
) -> Suggestion | None:
    """The least loaded free pool member not (and never) on the panel, or None."""
    found = await _candidates(db, interview, now, policy)
    return found[0] if found else None


def _draft(current: InterviewDetail, interviewer_ids: tuple[int, ...]) -> InterviewDraft:
    """The interview as it is, with another panel: what HR's edit form would send."""
    return InterviewDraft(
        candidate_id=current.candidate_id,
        new_candidate=None,
        position_id=current.position_id,
        round=current.round,
        slot=current.slot,
        timezone=current.timezone,
        interviewer_ids=interviewer_ids,
        room_url=current.room_url,
        location=current.location,
        notes=current.notes,
        candidate_prep=current.candidate_prep,
        hide_interviewers=current.hide_interviewers,
        override=False,
        version=current.version,
        room_kind=RoomKind(current.room_kind),
        room_paper_uid=current.room_paper_uid,
        plan_round_id=current.plan_round_id,
    )


async def replace(
    db: Database,
    broadcaster: Publisher,
    interview_id: int,
    declined_person_id: int,
    replacement_id: int,
    *,
    actor: Actor,
    now: datetime,
    policy: BookingPolicy = DEFAULT_POLICY,
) -> InterviewDetail:
    """Take the decliner off the panel and invite `replacement_id` in their place.

    Refused (`ReplacementUnavailable`, 409) when the person has not declined, or the
    replacement is no longer a free member of the pool; a lost race is a `BookingConflict`.
    """
    async with _booking(db):
        current = await locked(db, interview_id, None)
        declined = current.member(declined_person_id)
        if declined is None or declined.rsvp != "declined":
            raise ReplacementUnavailable(NOT_DECLINED)
        fresh = {s.person_id: s for s in await _candidates(db, current, now, policy)}
        chosen = fresh.get(replacement_id)
        if chosen is None:
            names = await interviewer_profiles(db, [replacement_id])
            name = names[0].display_name if names else str(replacement_id)
            raise ReplacementUnavailable(NO_LONGER_FREE, {"name": name})
        panel = tuple(i for i in current.interviewer_ids if i != declined_person_id)
        draft = _draft(current, (*panel, replacement_id))
        event_id = await _update(db, interview_id, draft, actor, now, policy)
        await audit.record(
            db,
            "interviewer_replaced",
            actor=actor,
            at=now,
            target_kind="interview",
            target_id=interview_id,
            detail={
                "declined": declined_person_id,
                "replacement": replacement_id,
                "week_load": chosen.week_load,
            },
        )
    return await announce(db, broadcaster, interview_id, "changed", event_id)


async def after_decline(
    db: Database,
    broadcaster: Publisher,
    interview_id: int,
    declined_person_id: int,
    *,
    now: datetime,
    policy: BookingPolicy = DEFAULT_POLICY,
) -> InterviewDetail | None:
    """A round that replaces by itself invites the best replacement at once (else None)."""
    detail = await get_detail(db, interview_id)
    if detail is None or detail.plan_round_id is None:
        return None
    plan_round = await get_round(db, detail.plan_round_id)
    if plan_round is None or not plan_round.auto_replace:
        return None
    suggestion = await best_replacement(db, detail, now, policy=policy)
    if suggestion is None:
        return None
    try:
        return await replace(
            db,
            broadcaster,
            interview_id,
            declined_person_id,
            suggestion.person_id,
            actor=Actor.system(),
            now=now,
            policy=policy,
        )
    except (DomainError, InterviewNotFound):  # changed meanwhile: HR sees the suggestion
        log.info("automatic replacement on interview %s gave way", interview_id, exc_info=True)
        return None
