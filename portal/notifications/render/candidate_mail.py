"""A candidate's email (issue 16): subject, text and HTML bodies, and the interview's .ics.

Rendered at send time from the interview as it is then, in the candidate's language (the
company's default: candidates have no language of their own yet) and in the candidate's zone
(the one their browser last reported, else the interview's), with their share link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time
from jinja2 import Environment, FileSystemLoader, select_autoescape

from portal.calendar_ics import CalendarEntry, build_ics
from portal.db.interviews import InterviewDetail
from portal.i18n import N_, Language
from portal.notifications import kinds
from portal.scheduling import Status

TEMPLATES = Path(__file__).resolve().parents[3] / "templates" / "mail"
_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)

SUBJECTS = {
    kinds.MAIL_BOOKED: N_("Your interview is booked: %(position)s, %(when)s"),
    kinds.MAIL_RESCHEDULED: N_("Your interview has a new time: %(position)s, %(when)s"),
    kinds.MAIL_CANCELLED: N_("Your interview is cancelled: %(position)s"),
    kinds.MAIL_REMINDER: N_("Reminder: your interview tomorrow, %(when)s"),
}
LEADS = {
    kinds.MAIL_BOOKED: N_("Your interview is booked."),
    kinds.MAIL_RESCHEDULED: N_("Your interview has moved to a new time."),
    kinds.MAIL_CANCELLED: N_("Your interview has been cancelled."),
    kinds.MAIL_REMINDER: N_("A reminder: your interview is in about 24 hours."),
}
ICS_SUMMARY = N_("Interview: %(position)s, round %(round)s")


@dataclass(frozen=True)
class CandidateMail:
    subject: str
    text: str
    html: str
    ics: bytes


def candidate_zone(saved: str | None, interview_zone: str) -> str:
    """The candidate's saved zone when it is a real one, else the interview's."""
    for name in (saved, interview_zone):
        if name:
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
            return name
    return "UTC"


def render_candidate_mail(
    kind: str,
    detail: InterviewDetail,
    *,
    language: Language,
    zone: str,
    link: str | None,
    company: str,
    host: str,
    now: datetime,
) -> CandidateMail:
    tz = ZoneInfo(zone)
    locale = language.babel_locale
    local = detail.starts_at.astimezone(tz)
    day = format_date(local.date(), "full", locale=locale)
    start = format_time(local, "short", locale=locale)
    end = format_time(detail.ends_at.astimezone(tz), "short", locale=locale)
    when = f"{day} {start}–{end}"
    subject = language.gettext(SUBJECTS[kind], position=detail.position_title, when=when)
    context = {
        "_": language.gettext,
        "lead": language.gettext(LEADS[kind]),
        "detail": detail,
        "when": when,
        "zone": zone,
        "link": link,
        "company": company,
        "cancelled": kind == kinds.MAIL_CANCELLED,
        "lang": language.code,
        "subject": subject,
    }
    entry = CalendarEntry(
        interview_id=detail.id,
        version=detail.version,
        starts_at=detail.starts_at,
        ends_at=detail.ends_at,
        summary=language.gettext(ICS_SUMMARY, position=detail.position_title, round=detail.round),
        description="\n\n".join(p for p in (detail.candidate_prep, link) if p),
        location=detail.room_url or detail.location,
        url=link,
        cancelled=kind == kinds.MAIL_CANCELLED or detail.status == Status.CANCELLED,
    )
    return CandidateMail(
        subject=subject,
        text=_env.get_template("candidate.txt").render(context),
        html=_env.get_template("candidate.html").render(context),
        ics=build_ics(entry, host=host, now=now),
    )


def to_message(mail: CandidateMail, *, sender: str, recipient: str, base_url: str) -> EmailMessage:
    """The MIME message: text and HTML alternatives, and the .ics attached."""
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = sender
    message["To"] = recipient
    message["Message-ID"] = make_msgid(domain=urlsplit(base_url).hostname or "portal")
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    message.add_attachment(mail.ics, maintype="text", subtype="calendar", filename="interview.ics")
    return message
