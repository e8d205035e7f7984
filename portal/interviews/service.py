"""The interview use cases, in one place for callers (web handlers, WeCom callbacks, jobs).

Each takes the database and the live broadcaster, opens one transaction (rule check, writes,
status history, audit, outbox rows), publishes a `LiveEvent` after the commit, and returns
the interview as it now is. Refusals a form shows are `portal.errors.DomainError`s
(`BookingConflict`, `InvalidTransition`, `ValidationFailed`, `FeedbackLocked`, `StaleInterview`
409); `InterviewNotFound` (404) is the error page.
"""

from __future__ import annotations

from portal.interviews.booking import cancel, create, reschedule, update
from portal.interviews.checks import DEFAULT_POLICY, BookingPolicy, find_conflicts
from portal.interviews.errors import FeedbackClosed, InterviewNotFound, StaleInterview
from portal.interviews.panel import change_status, respond
from portal.interviews.scorecards import (
    feedback_for,
    feedback_open,
    save_feedback,
    submit_feedback,
)

__all__ = [
    "DEFAULT_POLICY",
    "BookingPolicy",
    "FeedbackClosed",
    "InterviewNotFound",
    "StaleInterview",
    "cancel",
    "change_status",
    "create",
    "feedback_for",
    "feedback_open",
    "find_conflicts",
    "reschedule",
    "respond",
    "save_feedback",
    "submit_feedback",
    "update",
]
