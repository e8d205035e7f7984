"""Outbox kinds: the contract between the code that enqueues rows and the worker that sends them.

Scheduling and candidate links enqueue the interviewer and HR kinds; the notifications
package adds the digest and three kinds of its own work (card updates, calendar sync, contact
refresh) that go through the same queue, so they are retried and never lost either.
"""

from __future__ import annotations

from portal.i18n import N_

INVITED = "invited"
CHANGED = "changed"
CANCELLED = "cancelled"
REMOVED = "removed"
REMINDER = "reminder"
FEEDBACK_DUE = "feedback_due"
FEEDBACK_NUDGE = "feedback_nudge"  # HR asks one panel member for their scorecard
CANDIDATE_ARRIVED = "candidate_arrived"  # to each interviewer, on the candidate's check-in
RSVP_REMINDER = "rsvp_reminder"  # no reply 2 working days after the invitation

CANDIDATE_CONFIRMED = "candidate_confirmed"
CANDIDATE_RESCHEDULE_REQUEST = "candidate_reschedule_request"
CANDIDATE_CANCELLED = "candidate_cancelled"
CANDIDATE_CHECKED_IN = "candidate_checked_in"
INTERVIEWER_DECLINED = "interviewer_declined"
CANDIDATE_BOOKED = "candidate_booked"  # the candidate chose a time through their link
CANDIDATE_MOVED = "candidate_moved"  # ... and later moved it through the same picker

DAILY_DIGEST = "daily_digest"

# Candidate email (issue 16): the recipient is the candidate's address; sent over SMTP.
MAIL_BOOKED = "mail_booked"
MAIL_RESCHEDULED = "mail_rescheduled"
MAIL_CANCELLED = "mail_cancelled"
MAIL_REMINDER = "mail_reminder"  # 24 h before the start
# "Choose your time": sent before any interview exists; the payload names the invitation.
MAIL_CHOOSE = "mail_choose"
MAIL_KINDS = frozenset({MAIL_BOOKED, MAIL_RESCHEDULED, MAIL_CANCELLED, MAIL_REMINDER, MAIL_CHOOSE})

CARD_UPDATE = "card_update"
CALENDAR_SYNC = "calendar_sync"
CONTACT_REFRESH = "contact_refresh"

INTERVIEWER_KINDS = frozenset(
    {
        INVITED,
        CHANGED,
        CANCELLED,
        REMOVED,
        REMINDER,
        FEEDBACK_DUE,
        FEEDBACK_NUDGE,
        CANDIDATE_ARRIVED,
        RSVP_REMINDER,
    }
)
HR_KINDS = frozenset(
    {
        CANDIDATE_CONFIRMED,
        CANDIDATE_RESCHEDULE_REQUEST,
        CANDIDATE_CANCELLED,
        CANDIDATE_CHECKED_IN,
        INTERVIEWER_DECLINED,
        CANDIDATE_BOOKED,
        CANDIDATE_MOVED,
    }
)
# Asking for a scorecard: skipped at send time once it is submitted.
FEEDBACK_KINDS = frozenset({FEEDBACK_DUE, FEEDBACK_NUDGE})
# Messages count against WeCom's per-member cap and are paced; tasks are not messages.
MESSAGE_KINDS = INTERVIEWER_KINDS | HR_KINDS | {DAILY_DIGEST}
TASK_KINDS = frozenset({CARD_UPDATE, CALENDAR_SYNC, CONTACT_REFRESH})
ALL_KINDS = MESSAGE_KINDS | TASK_KINDS | MAIL_KINDS

# The kinds that still make sense once an interview is cancelled; anything else is skipped,
# so nothing is "sent after a cancellation".
AFTER_CANCELLATION = (
    frozenset({CANCELLED, REMOVED, CANDIDATE_CANCELLED, MAIL_CANCELLED}) | TASK_KINDS
)
# Interviewer kinds that still go to someone taken off the interview.
AFTER_REMOVAL = frozenset({CANCELLED, REMOVED}) | TASK_KINDS
# Sending one of these also brings the interviewer's WeCom calendar in step.
CALENDAR_TRIGGERS = frozenset({INVITED, CHANGED, CANCELLED, REMOVED})

KIND_LABELS: dict[str, str] = {
    INVITED: N_("Invitation"),
    CHANGED: N_("Interview changed"),
    CANCELLED: N_("Interview cancelled"),
    REMOVED: N_("Removed from interview"),
    REMINDER: N_("Reminder"),
    FEEDBACK_DUE: N_("Feedback due"),
    FEEDBACK_NUDGE: N_("Feedback requested"),
    CANDIDATE_ARRIVED: N_("Candidate arrived"),
    RSVP_REMINDER: N_("Reply reminder"),
    CANDIDATE_CONFIRMED: N_("Candidate confirmed"),
    CANDIDATE_RESCHEDULE_REQUEST: N_("Reschedule request"),
    CANDIDATE_CANCELLED: N_("Candidate cancelled"),
    CANDIDATE_CHECKED_IN: N_("Candidate checked in"),
    INTERVIEWER_DECLINED: N_("Interviewer declined"),
    CANDIDATE_BOOKED: N_("Candidate chose a time"),
    CANDIDATE_MOVED: N_("Candidate moved the interview"),
    DAILY_DIGEST: N_("Daily digest"),
    CARD_UPDATE: N_("Card update"),
    CALENDAR_SYNC: N_("Calendar sync"),
    CONTACT_REFRESH: N_("Contact refresh"),
    MAIL_BOOKED: N_("Candidate email: booked"),
    MAIL_RESCHEDULED: N_("Candidate email: rescheduled"),
    MAIL_CANCELLED: N_("Candidate email: cancelled"),
    MAIL_REMINDER: N_("Candidate email: reminder"),
    MAIL_CHOOSE: N_("Candidate email: choose your time"),
}
