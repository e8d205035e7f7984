"""Writing outcomes back: one transaction per batch, each write fenced by the row's claim."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from portal.db.database import Database
from portal.db.outbox import OutboxRow, mark_sent_many, release, update_claimed
from portal.notifications import kinds
from portal.notifications.cards import FOLLOW_AFTER
from portal.notifications.followups import enqueue_calendar_sync, enqueue_card_refresh
from portal.notifications.outcomes import Dead, Outcome, Released, Retry, Sent, Skipped

log = logging.getLogger(__name__)

_UNCLAIMED: dict[str, Any] = {"lease_until": None, "claimed_by": None}


def _values(outcome: Outcome, now: datetime) -> dict[str, Any]:
    if isinstance(outcome, Sent):
        values: dict[str, Any] = {
            "status": "sent",
            "sent_at": now,
            "msgid": outcome.msgid,
            "failed_recipients": "|".join(outcome.failed_recipients) or None,
            **_UNCLAIMED,
        }
        if outcome.response_code is not None:
            values["response_code"] = outcome.response_code
        return values
    if isinstance(outcome, Retry):
        values = {
            "status": "pending",
            "next_attempt_at": now + timedelta(seconds=outcome.delay),
            "last_error": outcome.error[:2000],
            "last_errcode": outcome.errcode,
            **_UNCLAIMED,
        }
        if not outcome.maybe_delivered:
            values["paced_at"] = None  # WeCom answered: nothing was delivered, the slot is free
        return values
    if isinstance(outcome, Dead):
        return {
            "status": "dead",
            "last_error": outcome.reason[:2000],
            "last_errcode": outcome.errcode,
            "failed_recipients": "|".join(outcome.failed_recipients) or None,
            **_UNCLAIMED,
        }
    assert isinstance(outcome, Skipped)
    return {"status": "cancelled", "last_error": outcome.reason, "paced_at": None, **_UNCLAIMED}


async def _record_one(db: Database, row: OutboxRow, outcome: Outcome, now: datetime) -> None:
    assert row.claimed_by is not None
    if not await update_claimed(db, row.id, row.claimed_by, **_values(outcome, now)):
        log.warning("outbox %s: lease lost to another worker; result dropped", row.id)
        return
    if isinstance(outcome, Sent):
        for effect in outcome.effects:
            await effect(db)
    if row.kind in kinds.CALENDAR_TRIGGERS and isinstance(outcome, Sent | Dead | Skipped):
        await enqueue_calendar_sync(db, row, now=now)
    if row.kind in FOLLOW_AFTER and isinstance(outcome, Sent | Dead | Skipped):
        await enqueue_card_refresh(db, row, now=now)
    if isinstance(outcome, Dead):
        log.warning(
            "outbox %s (%s to %s) is a dead letter: %s",
            row.id,
            row.kind,
            row.recipient,
            outcome.reason,
        )


def _plain_send(row: OutboxRow, outcome: Outcome) -> bool:
    """A send with nothing to follow: many of these are marked in one statement."""
    return (
        isinstance(outcome, Sent)
        and not outcome.effects
        and not outcome.failed_recipients
        and outcome.response_code is None
        and row.kind not in kinds.CALENDAR_TRIGGERS | FOLLOW_AFTER
    )


async def record(db: Database, results: Sequence[tuple[OutboxRow, Outcome]], now: datetime) -> None:
    """Store every outcome of a batch (and its follow-ups) in one transaction."""
    plain: dict[str, dict[int, str | None]] = {}
    async with db.transaction():
        await release(db, [row for row, outcome in results if isinstance(outcome, Released)])
        for row, outcome in results:
            if _plain_send(row, outcome):
                assert isinstance(outcome, Sent) and row.claimed_by is not None
                plain.setdefault(row.claimed_by, {})[row.id] = outcome.msgid
            elif not isinstance(outcome, Released):
                await _record_one(db, row, outcome, now)
        for claim, msgids in plain.items():
            await mark_sent_many(db, msgids, claim, now=now)
