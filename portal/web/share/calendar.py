"""The candidate's calendar entry, in their language (the .ics itself is `portal.calendar_ics`)."""

from __future__ import annotations

from starlette.requests import Request

from portal.calendar_ics import CalendarEntry
from portal.i18n import N_
from portal.scheduling import Status
from portal.share.opening import OpenedLink
from portal.web.core.rendering import translate
from portal.web.core.state import app_state

SUMMARY = N_("Interview: %(position)s, round %(round)s (%(company)s)")
SUMMARY_UNNAMED = N_("Interview: %(position)s, round %(round)s")
PAGE_LINE = N_("Your interview page: %(url)s")


def calendar_entry(request: Request, opened: OpenedLink) -> CalendarEntry:
    settings = app_state(request)["settings"]
    detail = opened.interview.detail
    # No company name configured: name no one rather than the staff portal.
    company = settings.company_name
    page_url = settings.url(request.url_for("share:page", **request.path_params).path)
    lines = [detail.candidate_prep or "", translate(request, PAGE_LINE, url=page_url)]
    return CalendarEntry(
        interview_id=detail.id,
        version=detail.version,
        starts_at=detail.starts_at,
        ends_at=detail.ends_at,
        summary=translate(
            request,
            SUMMARY if company else SUMMARY_UNNAMED,
            position=detail.position_title,
            round=detail.round,
            company=company,
        ),
        description="\n\n".join(line for line in lines if line),
        location=detail.room_url or detail.location,
        url=detail.room_url,
        cancelled=detail.status == Status.CANCELLED,
    )
