"""Messages to interviewers: invitation (Accept / Decline card), changes, reminders, feedback."""

from __future__ import annotations

from collections.abc import Sequence

from portal.i18n import N_
from portal.notifications.render.common import (
    Draft,
    details,
    interview_card,
    interviewer_link,
    scorecard_link,
    source,
    subject,
    task_id,
)
from portal.wecom import (
    ButtonInteractionCard,
    CardButton,
    CardLink,
    CardTitle,
    HorizontalItem,
    Message,
)

FEEDBACK_REMINDERS = 5
ALREADY = {
    "accepted": N_("You have already accepted."),
    "declined": N_("You have already declined."),
}


def rsvp_key(interview_id: int, version: int, answer: str) -> str:
    """A button's key: the interview and the version the card was sent for (a press on a card
    a newer one replaced is refused, `portal.wecom_events`)."""
    return f"rsvp:{interview_id}:{version}:{answer}"


def card_version(draft: Draft) -> int:
    value = draft.row.payload.get("version")
    return value if isinstance(value, int) else draft.about.version


def _reply_card(
    draft: Draft, *, title: str, note: str | None = None, more: Sequence[HorizontalItem] = ()
) -> Message:
    """Accept / Decline for the time shown; a notice instead once the recipient replied."""
    info, voice = draft.about, draft.voice
    panelist = info.panelist(draft.recipient.userid)
    if panelist is not None and panelist.rsvp in ALREADY:
        already = voice.t(ALREADY[panelist.rsvp])
        return interview_card(
            draft,
            title=title,
            link=interviewer_link(info),
            note=f"{note} {already}" if note else already,
            more=more,
        )
    version = card_version(draft)
    return ButtonInteractionCard(
        source=source(draft),
        main_title=CardTitle(title=title, desc=subject(info)),
        sub_title_text=voice.span(info.starts_at, info.ends_at),
        horizontal_content_list=(details(draft) + list(more))[:6],
        card_action=CardLink(type=1, url=draft.url(interviewer_link(info))),
        task_id=task_id(draft.row),
        button_list=[
            CardButton(text=voice.t("Accept"), key=rsvp_key(info.id, version, "accept"), style=1),
            CardButton(text=voice.t("Decline"), key=rsvp_key(info.id, version, "decline"), style=2),
        ],
    )


def invited(draft: Draft) -> Message:
    return _reply_card(draft, title=draft.voice.t("Interview invitation"))


def rsvp_reminder(draft: Draft) -> Message:
    """The invitation again, once, for someone who has not replied (Accept / Decline)."""
    return _reply_card(draft, title=draft.voice.t("You have not replied yet"))


def changed(draft: Draft) -> Message:
    """Replies start over on a new time: the card asks again, for the time it shows."""
    voice = draft.voice
    reason = draft.payload_text("reason", 60)
    more = [HorizontalItem(keyname=voice.t("Reason"), value=reason)] if reason else []
    return _reply_card(
        draft,
        title=voice.t("Interview changed"),
        note=voice.t("The time or details changed: the card shows them as they are now."),
        more=more,
    )


def cancelled(draft: Draft) -> Message:
    voice, info = draft.voice, draft.about
    reason = draft.payload_text("reason") or (info.cancel_reason or "")
    note = voice.t("Reason: %(reason)s", reason=reason) if reason else None
    return interview_card(
        draft,
        title=voice.t("Interview cancelled"),
        link=interviewer_link(info),
        note=note,
        room=False,
    )


def removed(draft: Draft) -> Message:
    voice = draft.voice
    return interview_card(
        draft,
        title=voice.t("You are no longer on this interview"),
        link=interviewer_link(draft.about),
        note=voice.t("You do not need to attend."),
        room=False,
    )


def reminder(draft: Draft) -> Message:
    voice, info = draft.voice, draft.about
    return interview_card(
        draft,
        title=voice.t("Interview starts soon"),
        link=interviewer_link(info),
        note=voice.t("Starts at %(time)s.", time=voice.clock(info.starts_at)),
    )


def feedback_number(draft: Draft) -> int:
    value = draft.row.payload.get("reminder", 1)
    return value if isinstance(value, int) and value > 0 else 1


def feedback_due(draft: Draft) -> Message:
    voice, info = draft.voice, draft.about
    number = feedback_number(draft)
    note = voice.t("Please submit your feedback on %(candidate)s.", candidate=info.candidate)
    if number > 1:
        note += " " + voice.t(
            "Reminder %(number)s of %(total)s.", number=number, total=FEEDBACK_REMINDERS
        )
    return interview_card(
        draft, title=voice.t("Feedback due"), link=scorecard_link(info), note=note
    )


def feedback_nudge(draft: Draft) -> Message:
    voice, info = draft.voice, draft.about
    note = voice.t("HR asks for your feedback on %(candidate)s.", candidate=info.candidate)
    return interview_card(
        draft, title=voice.t("Feedback requested"), link=scorecard_link(info), note=note
    )
