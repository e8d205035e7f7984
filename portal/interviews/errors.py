"""Refusals of the interview use cases that the scheduling rules do not already name."""

from __future__ import annotations

from portal.db.interviews import InterviewDetail
from portal.errors import DomainError, NotFound
from portal.i18n import N_

CHANGED_BY = N_("%(name)s changed this interview meanwhile. These are the current values.")
CHANGED_BY_SOMEONE = N_(
    "Someone else changed this interview meanwhile. These are the current values."
)
FEEDBACK_NOT_OPEN = N_("Feedback opens when the interview starts.")
FEEDBACK_CANCELLED = N_("This interview was cancelled; there is no feedback to give.")
SAME_TIME = N_("Choose a time different from the current one.")
UNKNOWN_INTERVIEWER = N_("One of the chosen interviewers is no longer available.")


class StaleInterview(DomainError):
    """The form was based on an older version; `current` is what the database holds now."""

    status = 409

    def __init__(self, current: InterviewDetail) -> None:
        if current.updated_by_name:
            super().__init__(CHANGED_BY, {"name": current.updated_by_name})
        else:
            super().__init__(CHANGED_BY_SOMEONE)
        self.current = current


class InterviewNotFound(NotFound):
    """No such interview, or not one the person may see (both answer 404)."""


class FeedbackClosed(DomainError):
    status = 409
