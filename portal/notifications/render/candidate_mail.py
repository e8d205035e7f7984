"""A candidate's email (issue 16): subject, text and HTML bodies, and the interview's .ics.

Rendered at send time from the interview as it is then, in the candidate's language (the one
their page was last read in, else the company's default) and in the candidate's zone (the
one their browser last reported, else the interview's), with their share link.

The "choose your time" email is rendered from the invitation instead: there is no time yet,
so no .ics, and the zone falls back to the company's.
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
from portal.db.self_schedules import SelfSchedule
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

CHOOSE_SUBJECT = N_("Choose a time for your interview: %(position)s")
CHOOSE_LEAD = N_("%(company)s invites you to choose a time for your interview.")
CHOOSE_LEAD_NO_COMPANY = N_("You are invited to choose a time for your interview.")
CHOOSE_DAYS = N_("Open times are offered for the next %(days)s working days.")
CHOOSE_ROUND = N_("Round %(round)s")
CHOOSE_LENGTH = N_("%(minutes)s minutes")
CHOOSE_UNTIL = N_("This link works until %(when)s.")


@dataclass(frozen=True)
class CandidateMail:
    subject: str
    text: str
    html: str
    ics: bytes | None  # None: no time yet ("choose your time")


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


def render_choose_mail(
    schedule: SelfSchedule,
    *,
    language: Language,
    zone: str,
    link: str,
    expires_at: datetime,
    company: str,
) -> CandidateMail:
    """The "choose your time" email: what the interview is, and the link to pick a time."""
    gettext = language.gettext
    locale = language.babel_locale
    until = expires_at.astimezone(ZoneInfo(zone))
    day = format_date(until.date(), "full", locale=locale)
    when = f"{day} {format_time(until, 'short', locale=locale)} ({zone})"
    subject = gettext(CHOOSE_SUBJECT, position=schedule.position_title)
    round_label = gettext(CHOOSE_ROUND, round=schedule.round)
    if schedule.round_name:
        round_label = f"{round_label} · {schedule.round_name}"
    context = {
        "_": gettext,
        "lang": language.code,
        "subject": subject,
        "lead": gettext(CHOOSE_LEAD, company=company)
        if company
        else gettext(CHOOSE_LEAD_NO_COMPANY),
        "position": schedule.position_title,
        "round": round_label,
        "length": gettext(CHOOSE_LENGTH, minutes=int(schedule.duration.total_seconds() // 60)),
        "days": gettext(CHOOSE_DAYS, days=schedule.days),
        "link": link,
        "until": gettext(CHOOSE_UNTIL, when=when),
        "company": company,
    }
    return CandidateMail(
        subject=subject,
        text=_env.get_template("choose.txt").render(context),
        html=_env.get_template("choose.html").render(context),
        ics=None,
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
    if mail.ics is not None:
        message.add_attachment(
            mail.ics, maintype="text", subtype="calendar", filename="interview.ics"
        )
    return message
