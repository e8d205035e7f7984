"""Button cards follow the interview: what each card the portal can still update should say.

Invitation and "changed" cards carry Accept / Decline for the version they were sent for.
WeCom lets the portal replace a card's buttons with a caption, once per response code (one
comes with the send, one with each press). These rules decide the caption from the current
state; `tasks.card_refresh` applies it and `portal.wecom_events` uses the same captions.
"""

from __future__ import annotations

from collections.abc import Sequence

from portal.db.cards import CardRow
from portal.db.message_view import InterviewInfo
from portal.db.outbox import OutboxRow
from portal.i18n import N_
from portal.notifications import kinds

REPLY_CARDS = (kinds.INVITED, kinds.CHANGED)
# Sending one of these brings the recipient's earlier cards in step (as with the calendar).
FOLLOW_AFTER = frozenset({kinds.CHANGED, kinds.CANCELLED, kinds.REMOVED})

CAPTIONS: dict[str, str] = {
    "accept": N_("Accepted"),
    "decline": N_("Declined"),
    "unavailable": N_("No longer needed"),
    "changed": N_("Interview changed, see the new card"),
    "cancelled": N_("Interview cancelled"),
    "removed": N_("Removed from interview"),
}
_REPLIED = {"accepted": "accept", "declined": "decline"}


def latest_version(cards: Sequence[CardRow], interview_id: int, recipient: str) -> int:
    """The newest version a card was queued for, for this recipient (0: none)."""
    return max(
        (c.version for c in cards if c.interview_id == interview_id and c.recipient == recipient),
        default=0,
    )


def superseded(row: OutboxRow, cards: Sequence[CardRow]) -> bool:
    """A card not sent yet that a card for a newer version replaces."""
    version = row.payload.get("version")
    if row.interview_id is None or not isinstance(version, int):
        return False
    return version < latest_version(cards, row.interview_id, row.recipient)


def caption_for(card: CardRow, latest: int, info: InterviewInfo | None) -> str | None:
    """What the card's buttons should give way to now; None while they are still right."""
    if info is None:
        return "unavailable"
    if info.cancelled:
        return "cancelled"
    panelist = info.panelist(card.recipient)
    if panelist is None or not panelist.active:
        return "removed"
    if card.version < latest:
        return "changed"
    return _REPLIED.get(panelist.rsvp)


def plan(
    cards: Sequence[CardRow], interview_id: int, recipient: str, info: InterviewInfo | None
) -> list[tuple[CardRow, str]]:
    """The recipient's cards to update, each with its new caption."""
    latest = latest_version(cards, interview_id, recipient)
    mine = [c for c in cards if c.interview_id == interview_id and c.recipient == recipient]
    wanted = [(card, caption_for(card, latest, info)) for card in mine if card.updatable]
    return [(card, caption) for card, caption in wanted if caption and caption != card.shows]
