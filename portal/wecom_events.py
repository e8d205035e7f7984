"""WeCom callbacks: verify and open them, then apply each event once.

Verification: the signature (constant time), the decryption with our corp id as receive id,
and a timestamp no more than five minutes off. Nothing reaches the database before all three
pass. An event is recorded under a digest of its identity in the same transaction that
applies it, so WeCom's retries (it retries an unanswered callback, three times in all) are
acknowledged without effect. Slow work (greying out the card, re-reading a contact) goes
into the outbox in that transaction and happens after the answer.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from portal.db.cards import card_version
from portal.db.database import Database
from portal.db.outbox import dedupe_key, enqueue
from portal.db.people import deactivate, get_person_by_userid
from portal.db.wecom_events import event_seen, remember_event, rename_member
from portal.errors import NotFound
from portal.interviews.checks import DEFAULT_POLICY, BookingPolicy
from portal.interviews.common import Publisher
from portal.interviews.panel import CardOutdated
from portal.interviews.service import respond
from portal.notifications import kinds
from portal.scheduling import Actor, ActorKind, DomainError
from portal.scheduling.rsvp import CARD_DECLINED
from portal.wecom import CallbackCryptoError, InvalidSignature, ReceiveIdMismatch, WeComCrypto
from portal.wecom.crypto import parse_xml

log = logging.getLogger(__name__)

MAX_AGE_S = 300
DECLINED_FROM_CARD = CARD_DECLINED  # a code: shown in the reader's language
# rsvp:<interview>:<version the card was sent for>:<answer>; cards sent before versions were
# keyed have none, and their version is read from the card's outbox row (its task_id).
RSVP_KEY = re.compile(r"rsvp:(\d{1,12}):(?:(\d{1,9}):)?(accept|decline)")
TASK_ID = re.compile(r"itv\d{1,12}-ob(\d{1,12})-\d{1,12}")
_IDENTITY = (
    "FromUserName",
    "CreateTime",
    "MsgType",
    "Event",
    "EventKey",
    "TaskId",
    "MsgId",
    "ChangeType",
    "UserID",
)


class CallbackRejected(Exception):
    """The callback is refused: 403 when it is not from WeCom, 400 when it is malformed."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class Handled:
    duplicate: bool = False


def _fresh(timestamp: str, now: datetime) -> None:
    if not timestamp.isdigit() or abs(now.timestamp() - int(timestamp)) > MAX_AGE_S:
        raise CallbackRejected(403, "timestamp is missing or more than five minutes off")


def _opened(action: str, error: CallbackCryptoError) -> CallbackRejected:
    forged = isinstance(error, InvalidSignature | ReceiveIdMismatch)
    return CallbackRejected(403 if forged else 400, f"{action}: {type(error).__name__}")


def verify_echo(crypto: WeComCrypto, params: Mapping[str, str], now: datetime) -> str:
    """URL verification (GET): the plain echostr to answer with."""
    try:
        echo = crypto.verify_url(
            params["msg_signature"], params["timestamp"], params["nonce"], params["echostr"]
        )
    except CallbackCryptoError as exc:
        raise _opened("echostr", exc) from exc
    _fresh(params["timestamp"], now)
    return echo


def open_event(
    crypto: WeComCrypto, body: bytes, params: Mapping[str, str], now: datetime
) -> dict[str, str]:
    """Verify and decrypt a POSTed callback and parse its fields (hostile XML refused)."""
    try:
        inner = crypto.decrypt_message(
            body, params["msg_signature"], params["timestamp"], params["nonce"]
        )
        _fresh(params["timestamp"], now)
        return parse_xml(inner)
    except CallbackCryptoError as exc:
        raise _opened("event", exc) from exc


def event_key(fields: Mapping[str, str]) -> str:
    """WeCom's retries repeat an event exactly: the digest of its identity names it."""
    identity = "\x1f".join(fields.get(name, "") for name in _IDENTITY)
    return hashlib.sha256(identity.encode()).hexdigest()


def _card(fields: Mapping[str, str]) -> int | None:
    """The outbox row that sent the pressed card."""
    match = TASK_ID.fullmatch(fields.get("TaskId", ""))
    return int(match[1]) if match else None


async def _sent_for(db: Database, fields: Mapping[str, str], keyed: str | None) -> int:
    if keyed is not None:
        return int(keyed)
    card = _card(fields)
    found = await card_version(db, card) if card is not None else None
    return found or 0  # unknown: any newer card makes it outdated


async def _answer_card(
    db: Database,
    broadcaster: Publisher,
    fields: Mapping[str, str],
    now: datetime,
    policy: BookingPolicy,
) -> str:
    """Record the button's answer through the interview use case; the card's new caption."""
    match = RSVP_KEY.fullmatch(fields.get("EventKey", ""))
    if match is None:
        log.info("wecom card event with unknown key %r ignored", fields.get("EventKey", "")[:80])
        return "unavailable"
    person = await get_person_by_userid(db, fields.get("FromUserName", ""))
    if person is None:
        return "unavailable"
    accept = match[3] == "accept"
    try:
        await respond(
            db,
            broadcaster,
            interview_id=int(match[1]),
            actor=Actor.person(person, ActorKind.INTERVIEWER),
            accept=accept,
            reason=None if accept else DECLINED_FROM_CARD,
            now=now,
            card_version=await _sent_for(db, fields, match[2]),
            policy=policy,
        )
    except CardOutdated:  # the time or panel changed since: the newer card asks again
        log.info("wecom card answer refused: the card is out of date")
        return "changed"
    except (NotFound, DomainError) as exc:  # not on it (any more), or the interview is over
        log.info("wecom card answer refused: %s", type(exc).__name__)
        return "unavailable"
    return match[3]


async def _queue_card_update(
    db: Database, fields: Mapping[str, str], key: str, answer: str, now: datetime
) -> None:
    if fields.get("ResponseCode"):
        payload: dict[str, object] = {"response_code": fields["ResponseCode"], "answer": answer}
        card = _card(fields)
        if card is not None:
            payload["card"] = card
        await enqueue(
            db,
            kind=kinds.CARD_UPDATE,
            recipient=fields.get("FromUserName", ""),
            payload=payload,
            dedupe=dedupe_key(kinds.CARD_UPDATE, key),
            now=now,
            due_at=now,
        )


async def _contact_event(db: Database, fields: Mapping[str, str], key: str, now: datetime) -> None:
    change, userid = fields.get("ChangeType", ""), fields.get("UserID", "")
    if change == "delete_user" and userid:
        person = await get_person_by_userid(db, userid)
        if person is not None:
            await deactivate(db, [person.id], now=now)
    elif change in {"create_user", "update_user"} and userid:
        target = fields.get("NewUserID") or userid
        if target != userid:
            await rename_member(db, userid, target, now=now)
        # Newer callbacks carry only UserID and Department: re-read the member from WeCom.
        await enqueue(
            db,
            kind=kinds.CONTACT_REFRESH,
            recipient=target,
            payload={"userid": target, "change": change},
            dedupe=dedupe_key(kinds.CONTACT_REFRESH, key),
            now=now,
            due_at=now,
        )
    else:
        log.info("wecom change_contact %s acknowledged (the daily sync covers it)", change)


async def handle_event(
    db: Database,
    broadcaster: Publisher,
    fields: Mapping[str, str],
    *,
    now: datetime,
    policy: BookingPolicy = DEFAULT_POLICY,
) -> Handled:
    """Apply one verified event exactly once.

    A card answer goes through `respond` (its own transaction, idempotent) before the event
    key is stored: if the process dies in between, WeCom's retry answers again, harmlessly.
    """
    event = fields.get("Event") or fields.get("MsgType") or "unknown"
    key = event_key(fields)
    if await event_seen(db, key):
        log.info("wecom callback %s repeated; already handled", event)
        return Handled(duplicate=True)
    answer = None
    if event == "template_card_event":
        answer = await _answer_card(db, broadcaster, fields, now, policy)
    async with db.transaction():
        first = await remember_event(
            db, key=key, event=event, from_user=fields.get("FromUserName") or None, now=now
        )
        if not first:
            return Handled(duplicate=True)
        if answer is not None:
            await _queue_card_update(db, fields, key, answer, now)
        elif event == "change_contact":
            await _contact_event(db, fields, key, now)
        else:
            log.info("wecom callback %s acknowledged; nothing to do", event)
    return Handled()
