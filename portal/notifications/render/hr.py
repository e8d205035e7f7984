"""Messages to HR: what candidates and interviewers did."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from portal.notifications.render.common import NOTE_CHARS, Draft, hr_link, interview_card
from portal.notifications.render.voice import clip
from portal.scheduling.rsvp import rsvp_reason_text
from portal.wecom import HorizontalItem, Message

MAX_WINDOWS = 3


def candidate_confirmed(draft: Draft) -> Message:
    voice, info = draft.voice, draft.about
    return interview_card(
        draft,
        title=voice.t("Candidate confirmed"),
        link=hr_link(info),
        note=voice.t("%(candidate)s confirmed the interview.", candidate=info.candidate),
    )


def _window(value: Any) -> tuple[datetime, datetime] | None:
    if not isinstance(value, dict):
        return None
    try:
        start = datetime.fromisoformat(str(value.get("starts_at")))
        end = datetime.fromisoformat(str(value.get("ends_at")))
    except ValueError:
        return None
    if start.tzinfo is None or end.tzinfo is None:
        return None
    return start, end


def _windows(draft: Draft) -> list[HorizontalItem]:
    raw = draft.row.payload.get("windows")
    found = [w for w in map(_window, raw if isinstance(raw, list) else []) if w is not None]
    return [
        HorizontalItem(
            keyname=draft.voice.t("Option %(number)s", number=number),
            value=draft.voice.span(start, end),
        )
        for number, (start, end) in enumerate(found[:MAX_WINDOWS], start=1)
    ]


def candidate_reschedule_request(draft: Draft) -> Message:
    voice, info = draft.voice, draft.about
    message = draft.payload_text("message")
    note = voice.t("Message: %(message)s", message=message) if message else None
    return interview_card(
        draft,
        title=voice.t("Candidate asks to reschedule"),
        link=hr_link(info),
        note=note,
        more=_windows(draft),
    )


def candidate_cancelled(draft: Draft) -> Message:
    voice, info = draft.voice, draft.about
    reason = draft.payload_text("reason")
    note = voice.t("Reason: %(reason)s", reason=reason) if reason else None
    return interview_card(
        draft, title=voice.t("Candidate cancelled"), link=hr_link(info), note=note
    )


def candidate_booked(draft: Draft) -> Message:
    voice, info = draft.voice, draft.about
    return interview_card(
        draft,
        title=voice.t("Candidate chose a time"),
        link=hr_link(info),
        note=voice.t("%(candidate)s chose a time through their link.", candidate=info.candidate),
    )


def candidate_moved(draft: Draft) -> Message:
    voice, info = draft.voice, draft.about
    return interview_card(
        draft,
        title=voice.t("Candidate moved the interview"),
        link=hr_link(info),
        note=voice.t("%(candidate)s chose another time.", candidate=info.candidate),
    )


def candidate_checked_in(draft: Draft) -> Message:
    voice, info = draft.voice, draft.about
    return interview_card(
        draft,
        title=voice.t("Candidate checked in"),
        link=hr_link(info),
        note=voice.t("%(candidate)s is waiting.", candidate=info.candidate),
    )


def interviewer_declined(draft: Draft) -> Message:
    voice, info = draft.voice, draft.about
    name = clip(str(draft.extra.get("interviewer") or voice.t("An interviewer")), 40)
    # A code (declined from the card) in HR's language; an interviewer's words as written.
    reason = clip(rsvp_reason_text(draft.payload_text("reason"), voice.t), NOTE_CHARS)
    note = voice.t("Reason: %(reason)s", reason=reason) if reason else None
    return interview_card(
        draft,
        title=voice.t("%(name)s declined", name=name),
        link=hr_link(info),
        note=note,
    )
