"""Worker tasks that are not messages: greying out a clicked card, refreshing a contact."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

from portal.db.database import Database
from portal.db.message_view import Recipient
from portal.db.outbox import OutboxRow
from portal.db.people import deactivate, get_person_by_userid, upsert_member
from portal.directory.roles import compute_role
from portal.directory.service import load_role_policy, profile_of
from portal.i18n import N_
from portal.notifications.outcomes import Outcome, Sent
from portal.wecom import UnknownUser, WeComError, WeComUser

if TYPE_CHECKING:
    from portal.notifications.prepare import Delivery

INVALID_RESPONSE_CODE = 40058
ANSWER_LABELS = {
    "accept": N_("Accepted"),
    "decline": N_("Declined"),
    "unavailable": N_("No longer needed"),
}

Call = Callable[[], Awaitable[Outcome]]


def card_update(delivery: Delivery, recipient: Recipient | None, row: OutboxRow) -> Call:
    """Replace the clicked card's buttons with the answer, in the clicker's language."""
    language = delivery.catalogs.get(recipient.locale if recipient else None)
    answer = str(row.payload.get("answer", "unavailable"))
    label = language.gettext(ANSWER_LABELS.get(answer, ANSWER_LABELS["unavailable"]))
    code = str(row.payload.get("response_code", ""))

    async def call() -> Outcome:
        try:
            await delivery.wecom.message.update_template_card(
                code, userids=[row.recipient], replace_name=label
            )
        except WeComError as exc:
            # A response code works once: after a timed-out attempt it may be spent already.
            if exc.errcode == INVALID_RESPONSE_CODE and row.attempts > 1:
                return Sent()
            raise
        return Sent()

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
