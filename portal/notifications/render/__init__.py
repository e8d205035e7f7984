"""Outbox kind → WeCom message, in the recipient's language and time zone.

Rendering is deterministic for a given database state: a retry sends byte-identical JSON,
which lets WeCom's duplicate check drop a copy whose first attempt timed out but arrived.
"""

from __future__ import annotations

from collections.abc import Callable

from portal.notifications import kinds
from portal.notifications.render import candidate_arrival, digest, hr, interviewer
from portal.notifications.render.common import Draft
from portal.notifications.render.voice import Voice
from portal.wecom import Message

Renderer = Callable[[Draft], Message]

RENDERERS: dict[str, Renderer] = {
    kinds.INVITED: interviewer.invited,
    kinds.CHANGED: interviewer.changed,
    kinds.CANCELLED: interviewer.cancelled,
    kinds.REMOVED: interviewer.removed,
    kinds.REMINDER: interviewer.reminder,
    kinds.FEEDBACK_DUE: interviewer.feedback_due,
    kinds.FEEDBACK_NUDGE: interviewer.feedback_nudge,
    kinds.RSVP_REMINDER: interviewer.rsvp_reminder,
    kinds.CANDIDATE_ARRIVED: candidate_arrival.candidate_arrived,
    kinds.CANDIDATE_CONFIRMED: hr.candidate_confirmed,
    kinds.CANDIDATE_RESCHEDULE_REQUEST: hr.candidate_reschedule_request,
    kinds.CANDIDATE_CANCELLED: hr.candidate_cancelled,
    kinds.CANDIDATE_CHECKED_IN: hr.candidate_checked_in,
    kinds.INTERVIEWER_DECLINED: hr.interviewer_declined,
    kinds.CANDIDATE_BOOKED: hr.candidate_booked,
    kinds.CANDIDATE_MOVED: hr.candidate_moved,
    kinds.DAILY_DIGEST: digest.daily_digest,
}


def render(draft: Draft) -> Message:
    """The message for one outbox row; KeyError for a kind nobody renders."""
    return RENDERERS[draft.row.kind](draft)


__all__ = ["RENDERERS", "Draft", "Voice", "render"]
