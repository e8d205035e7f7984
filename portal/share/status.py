"""The candidate's part of a status change: the rule the page showed, then, after the interview's
own step (`portal.interviews.panel.move`, `booking.call_off`), the audit row and the outbox rows
for HR (and, on a check-in, the panel), all inside the use case's transaction
(`portal.share.service`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from portal.db import audit
from portal.db.database import Database
from portal.db.interviews import InterviewDetail, hr_recipients
from portal.db.outbox import dedupe_key, enqueue
from portal.interviews.common import locked
from portal.interviews.notify import tell
from portal.interviews.panel import Moved
from portal.scheduling import Decision, DomainError, Status
from portal.scheduling.messages import N_
from portal.share.opening import OpenedLink

# The outbox kind HR hears (the notifications side renders it), also the audit action.
HR_KINDS = {
    Status.CONFIRMED: "candidate_confirmed",
    Status.CHECKED_IN: "candidate_checked_in",
    Status.CANCELLED: "candidate_cancelled",
}
# The outbox kind each interviewer hears when the candidate checks in (the page promises it).
PANEL_ARRIVAL = "candidate_arrived"

Rule = Callable[[InterviewDetail], Decision]


class ActionRefused(DomainError):
    status = 409


def require(decision: Decision) -> None:
    """Refuse with the same words the page shows beside the missing button."""
    if not decision:
        raise ActionRefused(decision.reason or N_("This is no longer possible."), decision.params)


async def allowed(db: Database, opened: OpenedLink, rule: Rule) -> InterviewDetail:
    """The interview, locked for the transaction, if `rule` still lets the candidate act."""
    current = await locked(db, opened.interview.id, None)
    require(rule(current))
    return current


async def report(
    db: Database,
    opened: OpenedLink,
    current: InterviewDetail,
    moved: Moved,
    *,
    note: str | None = None,
    now: datetime,
) -> None:
    """After the interview's step: the candidate's audit row; HR hears of the change, and the
    panel of a check-in."""
    kind = HR_KINDS[moved.status]
    await audit.record(
        db,
        kind,
        actor=opened.actor,
        at=now,
        target_kind="interview",
        target_id=current.id,
        detail={"link_id": opened.link.id, "from": current.status.value, "note": note},
    )
    payload: dict[str, object] = {"interview_id": current.id, "version": moved.version}
    if moved.status == Status.CANCELLED:
        payload["reason"] = note
    told = await tell_hr(db, current, kind, payload, tag=moved.version, now=now)
    if moved.status == Status.CHECKED_IN:
        # An interviewer who is also HR already has HR's card: one message is enough.
        panel = [m.wecom_userid for m in current.panel if m.wecom_userid not in told]
        await tell(db, PANEL_ARRIVAL, current.id, moved.version, panel, now=now)


async def tell_hr(
    db: Database,
    interview: InterviewDetail,
    kind: str,
    payload: dict[str, object],
    *,
    tag: object,
    now: datetime,
) -> list[str]:
    """One outbox row per HR recipient, inside the caller's transaction; returns who."""
    recipients = await hr_recipients(db, interview.created_by)
    for userid in recipients:
        await enqueue(
            db,
            kind=kind,
            recipient=userid,
            payload=payload,
            dedupe=dedupe_key(kind, interview.id, userid, tag),
            now=now,
            interview_id=interview.id,
        )
    return list(recipients)
