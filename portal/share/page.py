"""What the candidate's page offers right now (pure: the web layer renders it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.db.share_view import CandidateInterview
from portal.scheduling import (
    Decision,
    Status,
    UnknownTimeZone,
    can_cancel,
    can_check_in,
    can_confirm,
    can_join,
    zone,
)
from portal.scheduling.candidate_rules import ALREADY_CHECKED_IN
from portal.scheduling.fields import FormReader, RawForm
from portal.scheduling.messages import N_
from portal.scheduling.rooms import JOIN_GRACE
from portal.scheduling.states import EARLY_WINDOW

# Where the zone the page shows times in came from; UNREADABLE: the company's, because the
# browser answered with no zone the portal knows (a real failure, worth telling).
FROM_BROWSER, FROM_PROFILE, FROM_COMPANY = "browser", "profile", "company"
UNREADABLE = "unreadable"

IN_YOUR_ZONE = N_("Times are shown in your time zone, %(zone)s.")
IN_COMPANY_ZONE = N_(
    "Times are shown in the company's time zone, %(zone)s: your browser did not tell us yours."
)


@dataclass(frozen=True)
class Actions:
    join: Decision
    confirm: Decision
    check_in: Decision
    cancel: Decision
    reschedule: Decision

    @property
    def any_open(self) -> bool:
        return any((self.confirm, self.check_in, self.cancel, self.reschedule))


def can_request_reschedule(now: datetime, *, status: Status, starts_at: datetime) -> Decision:
    """Asking for another time makes sense until the start, and not once checked in."""
    if status == Status.CHECKED_IN:
        return Decision(False, ALREADY_CHECKED_IN)
    return can_cancel(now, status=status, starts_at=starts_at, cutoff_hours=0)


def actions_for(
    interview: CandidateInterview,
    now: datetime,
    *,
    cancel_hours: int,
    join_early: timedelta = EARLY_WINDOW,
) -> Actions:
    status = interview.detail.status
    starts, ends = interview.detail.starts_at, interview.detail.ends_at
    join = can_join(
        now, status=status, starts_at=starts, ends_at=ends, early=join_early, grace=JOIN_GRACE
    )
    return Actions(
        join=join,
        confirm=can_confirm(now, status=status, ends_at=ends),
        check_in=can_check_in(now, status=status, starts_at=starts, ends_at=ends),
        cancel=can_cancel(now, status=status, starts_at=starts, cutoff_hours=cancel_hours),
        reschedule=can_request_reschedule(now, status=status, starts_at=starts),
    )


def valid_zone(name: object) -> str | None:
    """`name` if it is a zone the portal knows (a browser may report anything)."""
    if not isinstance(name, str) or not name or len(name) > 64:
        return None
    try:
        zone(name)
    except UnknownTimeZone:
        return None
    return name


def display_zone(
    browser: str | None, interview: CandidateInterview, company: str
) -> tuple[str, str]:
    """(zone, source): the browser's report, else the saved one, else the company's."""
    if valid_zone(browser):
        return str(browser), FROM_BROWSER
    saved = valid_zone(interview.candidate_timezone)
    if saved:
        return saved, FROM_PROFILE
    return company, FROM_COMPANY


def zone_note(zone: str, source: str, company: str) -> str | None:
    """The msgid that says which zone the times are in, or None when there is nothing to say:
    the times are in the company's zone and the browser is there too (or has not answered
    yet; its script asks, and reports only a zone that differs or a failure)."""
    if source == UNREADABLE:
        return IN_COMPANY_ZONE
    if zone == company:
        return None
    return IN_YOUR_ZONE


def parse_cancel_reason(form: RawForm) -> str | None:
    """The candidate's optional reason for cancelling, or `ValidationFailed`."""
    reader = FormReader(form)
    reason = reader.text("reason", max_len=1000, multiline=True)
    reader.finish()
    return reason
