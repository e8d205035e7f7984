"""Worker tasks that are not messages: updating cards, refreshing a contact."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

from portal.db.cards import CardRow, mark_card
from portal.db.database import Database
from portal.db.message_view import Recipient
from portal.db.outbox import OutboxRow
from portal.db.people import deactivate, get_person_by_userid, upsert_member
from portal.directory.roles import compute_role
from portal.directory.service import load_role_policy, profile_of
from portal.notifications.cards import CAPTIONS
from portal.notifications.outcomes import Effect, Outcome, Sent
from portal.wecom import UnknownUser, WeComError, WeComUser

if TYPE_CHECKING:
    from portal.notifications.prepare import Delivery

INVALID_RESPONSE_CODE = 40058

Call = Callable[[], Awaitable[Outcome]]


def _caption(delivery: Delivery, recipient: Recipient | None, answer: str) -> str:
    language = delivery.catalogs.get(recipient.locale if recipient else None)
    return language.gettext(CAPTIONS.get(answer, CAPTIONS["unavailable"]))


def _marked(card_id: int, shows: str | None, *, spent: bool) -> Effect:
    async def effect(db: Database) -> None:
        await mark_card(db, card_id, shows=shows, spent=spent)

    return effect


def card_update(delivery: Delivery, recipient: Recipient | None, row: OutboxRow) -> Call:
    """Replace the pressed card's buttons with the answer, in the presser's language."""
    answer = str(row.payload.get("answer", "unavailable"))
    label = _caption(delivery, recipient, answer)
    code = str(row.payload.get("response_code", ""))
    card = row.payload.get("card")
    # The press's own code is spent here; the card's send code stays for later updates.
    effects = (_marked(card, answer, spent=False),) if isinstance(card, int) else ()

    async def call() -> Outcome:
        try:
            await delivery.wecom.message.update_template_card(
                code, userids=[row.recipient], replace_name=label
            )
        except WeComError as exc:
            # A response code works once: after a timed-out attempt it may be spent already.
            if exc.errcode == INVALID_RESPONSE_CODE and row.attempts > 1:
                return Sent(effects=effects)
            raise
        return Sent(effects=effects)

    return call


def card_refresh(
    delivery: Delivery, recipient: Recipient | None, row: OutboxRow, todo: list[tuple[CardRow, str]]
) -> Call:
    """Bring the recipient's cards in step with the interview, each with its send code."""

    async def call() -> Outcome:
        effects: list[Effect] = []
        for card, caption in todo:
            assert card.response_code is not None
            try:
                await delivery.wecom.message.update_template_card(
                    card.response_code,
                    userids=[row.recipient],
                    replace_name=_caption(delivery, recipient, caption),
                )
            except WeComError as exc:
                if exc.errcode != INVALID_RESPONSE_CODE:
                    raise
                # Expired (WeCom keeps it 72 h) or spent: this card can no longer change.
                effects.append(_marked(card.id, None, spent=True))
                continue
            effects.append(_marked(card.id, caption, spent=True))
        return Sent(effects=tuple(effects))

    return call


def _deactivate(userid: str, now: datetime) -> Callable[[Database], Awaitable[None]]:
    async def effect(db: Database) -> None:
        person = await get_person_by_userid(db, userid)
        if person is not None and person.active:
            await deactivate(db, [person.id], now=now)

    return effect


def _upsert(delivery: Delivery, user: WeComUser, now: datetime) -> Call:
    async def call() -> Outcome:
        if delivery.role_sources is None:
            return Sent()
        policy = await load_role_policy(delivery.wecom, delivery.role_sources)

        async def effect(db: Database) -> None:
            existing = await get_person_by_userid(db, user.userid)
            role = compute_role(
                policy,
                userid=user.userid,
                department_ids=user.department_ids,
                override=existing.role_override if existing else None,
            )
            await upsert_member(db, profile_of(user), role=role, now=now)

        return Sent(effects=(effect,))

    return call


def contact_refresh(delivery: Delivery, row: OutboxRow, now: datetime) -> Call:
    """Re-read a member WeCom told us about (change_contact) into the people directory."""
    userid = str(row.payload.get("userid", row.recipient))

    async def call() -> Outcome:
        try:
            user = await delivery.wecom.user.get(userid)
        except UnknownUser:
            return Sent(effects=(_deactivate(userid, now),))
        if not user.active:
            return Sent(effects=(_deactivate(userid, now),))
        return await _upsert(delivery, user, now)()

    return call
