"""The panel's message when the candidate checks in (the candidate page promises it)."""

from __future__ import annotations

from portal.notifications.render.common import Draft, interview_card, interviewer_link
from portal.wecom import Message


def candidate_arrived(draft: Draft) -> Message:
    voice, info = draft.voice, draft.about
    return interview_card(
        draft,
        title=voice.t("Candidate checked in"),
        link=interviewer_link(info),
        note=voice.t("%(candidate)s is waiting.", candidate=info.candidate),
    )
