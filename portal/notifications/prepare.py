"""From claimed rows to work: load the current state, skip what must not go, render the rest.

Everything here reads the database (a few queries per batch, no writes); the WeCom calls it
prepares run afterwards, concurrently, and their outcomes are written in one transaction.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from portal.db.cards import CardRow, cards_of
from portal.db.database import Database
from portal.db.message_view import (
    InterviewInfo,
    Recipient,
    interviews_between,
    load_interviews,
    load_recipients,
    person_names,
    submitted_feedback,
)
from portal.db.outbox import OutboxRow
from portal.db.rsvp_followup import awaiting_reply
from portal.directory.service import RoleSources
from portal.i18n import Catalogs
from portal.notifications import calendar, cards, kinds, tasks
from portal.notifications.followups import enqueue_next_feedback
from portal.notifications.mail import mail_call
from portal.notifications.outcomes import Dead, Effect, Outcome, Sent, Skipped
from portal.notifications.render import Draft, Voice, render
from portal.notifications.retry import RetryPolicy, decide
from portal.scheduling import day_range
from portal.scheduling.rsvp_followup import rsvp_overdue
from portal.settings import MailSettings
from portal.wecom import Message, WeComClient

log = logging.getLogger(__name__)

# WeCom drops a byte-identical request inside this window (max 4 h): a retry after a
# timeout that did arrive is not delivered twice.
DUPLICATE_WINDOW = 4 * 3600

Call = Callable[[], Awaitable[Outcome]]


@dataclass(frozen=True)
class Delivery:
    """What delivering an outbox row needs: where to read, whom to call, how to speak."""

    db: Database
    wecom: WeComClient
    catalogs: Catalogs
    base_url: str
    default_zone: str
    role_sources: RoleSources | None = None
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    # Candidate email (issue 16): the SMTP server (None: no mail), link signing, the company.
    mail: MailSettings | None = None
    secret_key: str = ""
    company_name: str = ""


@dataclass(frozen=True)
class Work:
    """One row and either its outcome already, or the WeCom call that decides it."""

    row: OutboxRow
    outcome: Outcome | None = None
    call: Call | None = None


@dataclass
class Loaded:
    interviews: dict[int, InterviewInfo]
    recipients: dict[str, Recipient]
    submitted: set[tuple[int, int]]
    names: dict[int, str]
    cards: list[CardRow] = field(default_factory=list)


# Cards with Accept / Decline for the version they were queued at (the reply reminder too).
REPLY_LIKE = frozenset(cards.REPLY_CARDS) | {kinds.RSVP_REMINDER}
# Digest lines about replies: open interviews within this many of the most waiting members.
NO_REPLY_SCAN = 200


def _about_cards(row: OutboxRow) -> bool:
    return row.kind in REPLY_LIKE or (
        row.kind == kinds.CARD_UPDATE and bool(row.payload.get("refresh"))
    )


async def _load(db: Database, rows: Sequence[OutboxRow]) -> Loaded:
    interviews = await load_interviews(db, [r.interview_id for r in rows if r.interview_id])
    recipients = await load_recipients(db, [r.recipient for r in rows])
    pairs = [
        (r.interview_id, recipients[r.recipient].person_id or 0)
        for r in rows
        if r.kind in kinds.FEEDBACK_KINDS and r.interview_id and r.recipient in recipients
    ]
    declined_by = [
        r.payload["person_id"]
        for r in rows
        if r.kind == kinds.INTERVIEWER_DECLINED and isinstance(r.payload.get("person_id"), int)
    ]
    carded = {r.interview_id for r in rows if r.interview_id and _about_cards(r)}
    return Loaded(
        interviews,
        recipients,
        await submitted_feedback(db, pairs),
        await person_names(db, declined_by),
        await cards_of(db, carded, cards.REPLY_CARDS),
    )


def zone_or(name: str | None, default: str) -> str:
    if not name:
        return default
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return default
    return name


def skip_reason(
    row: OutboxRow, info: InterviewInfo | None, recipient: Recipient, loaded: Loaded, now: datetime
) -> str | None:
    """Why this row must not be sent now, or None."""
    if row.kind == kinds.DAILY_DIGEST:
        return None
    if info is None:
        return "the interview no longer exists"
    if info.cancelled and row.kind not in kinds.AFTER_CANCELLATION:
        return "the interview was cancelled"
    panelist = info.panelist(recipient.userid)
    on_panel = panelist is not None and panelist.active
    if row.kind in kinds.INTERVIEWER_KINDS - kinds.AFTER_REMOVAL and not on_panel:
        return "the recipient is no longer on this interview"
    if row.kind == kinds.REMINDER and now >= info.ends_at:
        return "the interview is already over"
    if row.kind == kinds.RSVP_REMINDER and panelist is not None and panelist.rsvp != "pending":
        return "the interviewer already replied"
    if row.kind == kinds.RSVP_REMINDER and now >= info.starts_at:
        return "the interview has already started"
    if row.kind in kinds.FEEDBACK_KINDS and (info.id, recipient.person_id or 0) in loaded.submitted:
        return "feedback already submitted"
    if row.kind in REPLY_LIKE and cards.superseded(row, loaded.cards):
        return "a newer card replaces this one"
    return None


async def _send(
    wecom: WeComClient, message: Message, row: OutboxRow, effects: tuple[Effect, ...]
) -> Outcome:
    result = await wecom.message.send(
        message,
        touser=row.recipient,
        enable_duplicate_check=True,
        duplicate_check_interval=DUPLICATE_WINDOW,
    )
    if row.recipient.lower() in result.failed_users:
        return Dead(
            "WeCom accepted the call but skipped this member (not in the app's visible range "
            "or without a license)",
            failed_recipients=result.failed_users,
        )
    return Sent(result.msgid, result.failed_users, effects, result.response_code)


def _decliner(row: OutboxRow, info: InterviewInfo | None, loaded: Loaded) -> str | None:
    payload = row.payload
    if isinstance(payload.get("interviewer_name"), str):
        return str(payload["interviewer_name"])
    if isinstance(payload.get("person_id"), int):
        return loaded.names.get(payload["person_id"])
    userid = payload.get("interviewer")
    found = info.panelist(userid) if info is not None and isinstance(userid, str) else None
    return found.name if found else None


async def _digest(db: Database, row: OutboxRow, zone: str, now: datetime) -> dict[str, object]:
    day = date.fromisoformat(str(row.payload.get("date")))
    window = day_range(day, zone)
    return {
        "date": day,
        "interviews": await interviews_between(db, window.start, window.end),
        "no_reply": await no_reply_names(db, now),
    }


async def no_reply_names(db: Database, now: datetime) -> list[str]:
    """Interviewers who have not replied for two working days to an interview still ahead."""
    waiting = await awaiting_reply(db, after=now, limit=NO_REPLY_SCAN)
    late = [w for w in waiting if rsvp_overdue(w.invited_at, now, zone_or(w.zone, "UTC"))]
    return sorted({w.person_display_name for w in late})


def _voice(delivery: Delivery, loaded: Loaded, row: OutboxRow) -> Voice:
    recipient = loaded.recipients.get(row.recipient) or Recipient(row.recipient)
    zone = zone_or(recipient.timezone, delivery.default_zone)
    return Voice(delivery.catalogs.get(recipient.locale), zone)


async def _message(delivery: Delivery, loaded: Loaded, row: OutboxRow, now: datetime) -> Work:
    recipient = loaded.recipients.get(row.recipient) or Recipient(row.recipient)
    voice = _voice(delivery, loaded, row)
    zone = voice.zone
    info = loaded.interviews.get(row.interview_id) if row.interview_id else None
    reason = skip_reason(row, info, recipient, loaded, now)
    if reason is not None:
        return Work(row, Skipped(reason))
    extra: dict[str, object] = {"interviewer": _decliner(row, info, loaded)}
    if row.kind == kinds.DAILY_DIGEST:
        extra.update(await _digest(delivery.db, row, zone, now))
        if not extra["interviews"] and not extra["no_reply"]:
            return Work(row, Skipped("nothing is scheduled that day"))
    message = render(Draft(row, recipient, voice, delivery.base_url, info, extra))
    effects: tuple[Effect, ...] = ()
    if row.kind == kinds.FEEDBACK_DUE:
        nag = functools.partial(enqueue_next_feedback, row=row, now=now, zone=zone)
        effects = (nag,)
    return Work(row, call=functools.partial(_send, delivery.wecom, message, row, effects))


def _card_update(delivery: Delivery, loaded: Loaded, row: OutboxRow) -> Work:
    recipient = loaded.recipients.get(row.recipient)
    if not row.payload.get("refresh") or row.interview_id is None:
        return Work(row, call=tasks.card_update(delivery, recipient, row))
    info = loaded.interviews.get(row.interview_id)
    todo = cards.plan(loaded.cards, row.interview_id, row.recipient, info)
    if not todo:
        return Work(row, Sent())  # every card already says what is true
    return Work(row, call=tasks.card_refresh(delivery, recipient, row, todo))


async def _one(delivery: Delivery, loaded: Loaded, row: OutboxRow, now: datetime) -> Work:
    if row.attempts > delivery.policy.max_attempts:
        # Claimed again after a lease ran out, over and over: a worker dies on this row.
        return Work(row, Dead(f"gave up after {row.attempts - 1} attempts (worker stopped)"))
    if row.kind in kinds.MESSAGE_KINDS:
        return await _message(delivery, loaded, row, now)
    if row.kind in kinds.MAIL_KINDS:
        outcome, send = await mail_call(
            db=delivery.db,
            mail=delivery.mail,
            catalogs=delivery.catalogs,
            base_url=delivery.base_url,
            secret_key=delivery.secret_key,
            company=delivery.company_name,
            default_zone=delivery.default_zone,
            row=row,
            now=now,
        )
        return Work(row, outcome, send)
    if row.kind == kinds.CARD_UPDATE:
        return _card_update(delivery, loaded, row)
    if row.kind == kinds.CONTACT_REFRESH:
        return Work(row, call=tasks.contact_refresh(delivery, row, now))
    if row.kind == kinds.CALENDAR_SYNC:
        info = loaded.interviews.get(row.interview_id) if row.interview_id else None
        outcome, call = calendar.plan(delivery, row, info, _voice(delivery, loaded, row), now)
        return Work(row, outcome, call)
    return Work(row, Dead(f"no sender for kind {row.kind!r}"))


async def prepare(delivery: Delivery, rows: Sequence[OutboxRow], now: datetime) -> list[Work]:
    """Work for each claimed row; a row that cannot even be prepared gets a retry decision."""
    loaded = await _load(delivery.db, rows)
    works = []
    for row in rows:
        try:
            works.append(await _one(delivery, loaded, row, now))
        except Exception as exc:  # a bad row must not sink its batch; retried, then dead
            log.exception("outbox %s (%s) could not be prepared", row.id, row.kind)
            works.append(Work(row, decide(exc, row.attempts, delivery.policy)))
    return works
