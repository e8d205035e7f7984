"""The candidate's status changes, built from scheduling's own steps in one transaction.

`portal.interviews.panel.change_status` opens its transaction and announces before returning,
so the audit row and HR's outbox rows could not share its commit; here the same steps
(`locked`, `transition`, `update_interview`, `history`, `announce`) run in one transaction
together with them, and the live event follows the commit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from portal.db import audit
from portal.db.database import Database
from portal.db.interview_writes import release_panel, update_interview
from portal.db.interviews import InterviewDetail, hr_recipients
from portal.db.outbox import dedupe_key, enqueue
from portal.db.reschedule_requests import mark_handled
from portal.db.share_view import save_candidate_timezone
from portal.interviews import notify
from portal.interviews.common import announce, history, locked
from portal.live import Broadcaster
from portal.scheduling import ActorKind, Decision, DomainError, Status, transition
from portal.scheduling.messages import N_
from portal.share.opening import OpenedLink

# The outbox kind HR hears (the notifications side renders it), also the audit action.
HR_KINDS = {
    Status.CONFIRMED: "candidate_confirmed",
    Status.CHECKED_IN: "candidate_checked_in",
    Status.CANCELLED: "candidate_cancelled",
}
LIVE_KINDS = {Status.CANCELLED: "cancelled"}

Rule = Callable[[InterviewDetail], Decision]
Extra = Callable[[InterviewDetail, int], Awaitable[None]]


class ActionRefused(DomainError):
    status = 409


def require(decision: Decision) -> None:
    """Refuse with the same words the page shows beside the missing button."""
    if not decision:
        raise ActionRefused(decision.reason or N_("This is no longer possible."), decision.params)


async def change(
    db: Database,
    broadcaster: Broadcaster,
    opened: OpenedLink,
    *,
    target: Status,
    rule: Rule,
    now: datetime,
    values: dict[str, object] | None = None,
    note: str | None = None,
    extra: Extra | None = None,
) -> InterviewDetail:
    """Move the interview to `target` for the candidate: rule, state machine, history, audit,
    HR's outbox rows and `extra` writes in one transaction; then the live event."""
    candidate = str(opened.interview.detail.candidate_id)
    async with db.transaction():
        current = await locked(db, opened.interview.id, None)
        require(rule(current))
        status = transition(
            current.status,
            target,
            actor=ActorKind.CANDIDATE,
            now=now,
            starts_at=current.starts_at,
            ends_at=current.ends_at,
        )
        version = await update_interview(
            db,
            current.id,
            {"status": status.value, **(values or {})},
            version=current.version,
            actor_id=None,
            now=now,
        )
        event_id = await history(
            db,
            current.id,
            current.status,
            status,
            actor=None,
            now=now,
            actor_kind=ActorKind.CANDIDATE.value,
            actor_id=candidate,
            note=note,
        )
        await audit.record(
            db,
            HR_KINDS[target],
            actor=opened.actor,
            at=now,
            target_kind="interview",
            target_id=current.id,
            detail={"link_id": opened.link.id, "from": current.status.value, "note": note},
        )
        await _tell_hr(db, current, HR_KINDS[target], version, note, now=now)
        if extra is not None:
            await extra(current, version)
    return await announce(db, broadcaster, current.id, LIVE_KINDS.get(target, "status"), event_id)


async def _tell_hr(
    db: Database,
    current: InterviewDetail,
    kind: str,
    version: int,
    reason: str | None,
    *,
    now: datetime,
) -> None:
    payload: dict[str, object] = {"interview_id": current.id, "version": version}
    if kind == HR_KINDS[Status.CANCELLED]:
        payload["reason"] = reason
    for userid in await hr_recipients(db, current.created_by):
        await enqueue(
            db,
            kind=kind,
            recipient=userid,
            payload=payload,
            dedupe=dedupe_key(kind, current.id, userid, version),
            now=now,
            interview_id=current.id,
        )


def keep_timezone(db: Database, timezone: str | None) -> Extra:
    """After confirming: remember the zone the candidate's browser reported."""

    async def write(current: InterviewDetail, version: int) -> None:
        if timezone:
            await save_candidate_timezone(db, candidate_id=current.candidate_id, timezone=timezone)

    return write


def free_the_panel(db: Database, reason: str | None, *, now: datetime) -> Extra:
    """After cancelling: the panel is told, their time is freed, reminders are withdrawn,
    and an open request for another time is closed."""

    async def write(current: InterviewDetail, version: int) -> None:
        await release_panel(db, current.id)
        panel = [member.wecom_userid for member in current.panel]
        await notify.tell(db, notify.CANCELLED, current.id, version, panel, now=now, reason=reason)
        await notify.withdraw_timed(db, current.id)
        await mark_handled(db, interview_id=current.id, handled_by=None, at=now)  # nothing to move

    return write
