"""What every renderer receives, and the card parts interview messages share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from portal.db.message_view import InterviewInfo, Recipient
from portal.db.outbox import OutboxRow
from portal.notifications.render.voice import Voice, clip
from portal.wecom import CardLink, CardSource, CardTitle, HorizontalItem, TextNoticeCard

NAME_CHARS = 40
NOTE_CHARS = 160


@dataclass(frozen=True)
class Draft:
    """One row, ready to render: the row, who gets it, how to say it, what it is about."""

    row: OutboxRow
    recipient: Recipient
    voice: Voice
    base_url: str
    interview: InterviewInfo | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def url(self, path: str) -> str:
        """A link into the portal; signing in (OAuth inside WeCom) happens on the way."""
        return self.base_url + path

    @property
    def about(self) -> InterviewInfo:
        if self.interview is None:
            raise LookupError(f"outbox row {self.row.id} has no interview")
        return self.interview

    def payload_text(self, key: str, limit: int = NOTE_CHARS) -> str:
        value = self.row.payload.get(key)
        return clip(value if isinstance(value, str) else "", limit)


def task_id(row: OutboxRow) -> str:
    """The card's task_id: unique per WeCom app forever, and the same on every retry.

    Every card carries one, so two rows never render byte-identical JSON (WeCom's duplicate
    check would drop the second) while a retry of one row always does.
    """
    prefix = f"itv{row.interview_id}" if row.interview_id else "portal"
    return f"{prefix}-ob{row.id}-{int(row.created_at.timestamp())}"


def subject(info: InterviewInfo) -> str:
    """ "Candidate · Position"."""
    return f"{clip(info.candidate, NAME_CHARS)} · {clip(info.position, NAME_CHARS)}"


def source(draft: Draft) -> CardSource:
    return CardSource(desc=draft.voice.t("Interview Portal"))


def details(draft: Draft, *, room: bool = True) -> list[HorizontalItem]:
    """Round, place or room (unless `room` is False: nothing to join), and the zone the times
    are shown in."""
    info, voice = draft.about, draft.voice
    items = [HorizontalItem(keyname=voice.t("Round"), value=str(info.round))]
    if info.location:
        items.append(HorizontalItem(keyname=voice.t("Where"), value=clip(info.location, 60)))
    if room and (info.has_platform_room or info.room_url):
        # Through the portal: it signs the member in and sends them to their own seat.
        join = draft.url(f"/mine/{info.id}/join")
        items.append(
            HorizontalItem(keyname=voice.t("Room"), value=voice.t("Join"), type=1, url=join)
        )
    items.append(HorizontalItem(keyname=voice.t("Zone"), value=voice.zone))
    return items


def interview_card(
    draft: Draft,
    *,
    title: str,
    link: str,
    note: str | None = None,
    more: Sequence[HorizontalItem] = (),
    room: bool = True,
) -> TextNoticeCard:
    """A notice card about the row's interview, linking into the portal (and its room when
    `room`)."""
    info, voice = draft.about, draft.voice
    url = draft.url(link)
    return TextNoticeCard(
        source=source(draft),
        main_title=CardTitle(title=title, desc=subject(info)),
        emphasis_content=CardTitle(
            title=voice.hours(info.starts_at, info.ends_at), desc=voice.day(info.starts_at)
        ),
        sub_title_text=note or None,
        horizontal_content_list=(details(draft, room=room) + list(more))[:6],
        jump_list=[CardLink(type=1, title=voice.t("Open in the portal"), url=url)],
        card_action=CardLink(type=1, url=url),
        task_id=task_id(draft.row),
    )


def interviewer_link(info: InterviewInfo) -> str:
    return f"/mine/{info.id}"


def scorecard_link(info: InterviewInfo) -> str:
    """Feedback reminders and nudges open the scorecard itself."""
    return f"/mine/{info.id}/scorecard"


def hr_link(info: InterviewInfo) -> str:
    return f"/interviews/{info.id}"
