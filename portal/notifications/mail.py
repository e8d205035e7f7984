"""Candidate email: render the row at send time and hand it to the SMTP server (aiosmtplib).

Each mail is written in the candidate's language (the one their page was last read in, else
the company's default). An interview's mail follows the interview; a "choose your time" mail
(`mail_choose`) follows its invitation and link, and is skipped once either is no longer
open. The link is signed only here, at send time; it is never logged.

A connection failure, a timeout or a 4xx reply is transient (retried with the outbox's
backoff); a 5xx reply is permanent (a dead letter carrying the server's reply). Mail is not
paced: WeCom's per-member limits do not apply to an SMTP server.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import urlsplit

import aiosmtplib

from portal.db.candidate_mail import candidate_contact
from portal.db.database import Database
from portal.db.outbox import OutboxRow
from portal.db.self_schedules import get_self_schedule
from portal.db.share_links import active_link_for, get_link
from portal.db.share_view import candidate_interview
from portal.i18n import Catalogs
from portal.notifications import kinds
from portal.notifications.outcomes import Dead, Outcome, Sent, Skipped
from portal.notifications.render.candidate_mail import (
    CandidateMail,
    candidate_zone,
    render_candidate_mail,
    render_choose_mail,
    to_message,
)
from portal.settings import MailSettings
from portal.share.signing import candidate_url

log = logging.getLogger(__name__)


class MailUnavailable(Exception):
    """The SMTP server could not be reached or answered 4xx: try again later."""


async def send_mail(mail: MailSettings, message: EmailMessage) -> Outcome:
    """One message over SMTP; 5xx is a dead letter, anything transient raises for a retry."""
    try:
        errors, reply = await aiosmtplib.send(
            message,
            hostname=mail.host,
            port=mail.port,
            username=mail.user or None,
            password=str(mail.password) or None,
            use_tls=mail.tls == "tls",
            start_tls=True if mail.tls == "starttls" else False,
            timeout=mail.timeout,
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        refusals = exc.recipients
        if refusals and all(500 <= r.code < 600 for r in refusals):
            first = refusals[0]
            return Dead(
                f"the mail server refused the recipient: {first.code} {first.message}",
                first.code,
                failed_recipients=tuple(r.recipient for r in refusals),
            )
        raise MailUnavailable("; ".join(f"{r.code} {r.message}" for r in refusals)) from exc
    except aiosmtplib.SMTPResponseException as exc:
        if 500 <= exc.code < 600:
            return Dead(f"the mail server refused it: {exc.code} {exc.message}", exc.code)
        raise MailUnavailable(f"{exc.code} {exc.message}") from exc
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        raise MailUnavailable(f"{type(exc).__name__}: {exc}") from exc
    refused = tuple(address for address, (code, _text) in errors.items() if code >= 500)
    if refused:
        return Dead("the mail server refused the recipient", failed_recipients=refused)
    msgid = message.get("Message-ID")
    return Sent(msgid=str(msgid)[:128] if msgid else None)


@dataclass(frozen=True)
class _Writer:
    """How the portal writes to a candidate: catalogues, links, the company and its zone."""

    db: Database
    catalogs: Catalogs
    base_url: str
    secret_key: str
    company: str
    default_zone: str


async def mail_call(
    *,
    db: Database,
    mail: MailSettings | None,
    catalogs: Catalogs,
    base_url: str,
    secret_key: str,
    company: str,
    default_zone: str,
    row: OutboxRow,
    now: datetime,
) -> tuple[Outcome | None, Callable[[], Awaitable[Outcome]] | None]:
    """(outcome, None) when the row must not go, else (None, the send)."""
    if mail is None:
        return Skipped("no mail server is configured (SMTP_HOST)"), None
    writer = _Writer(db, catalogs, base_url, secret_key, company, default_zone)
    if row.kind == kinds.MAIL_CHOOSE:
        rendered = await _choose_mail(writer, row, now)
    else:
        rendered = await _interview_mail(writer, row, now)
    if not isinstance(rendered, CandidateMail):
        log.info("outbox %s (%s) not sent: %s", row.id, row.kind, rendered.reason)
        return rendered, None
    message = to_message(rendered, sender=mail.sender, recipient=row.recipient, base_url=base_url)
    return None, functools.partial(send_mail, mail, message)


async def _interview_mail(
    writer: _Writer, row: OutboxRow, now: datetime
) -> CandidateMail | Skipped:
    if row.interview_id is None:
        return Skipped("the interview no longer exists")
    found = await candidate_interview(writer.db, row.interview_id)
    if found is None:
        return Skipped("the interview no longer exists")
    detail = found.detail
    if detail.status.value == "cancelled" and row.kind != kinds.MAIL_CANCELLED:
        return Skipped("the interview was cancelled")
    if row.kind == kinds.MAIL_REMINDER and now >= detail.starts_at:
        return Skipped("the interview has already started")
    if row.kind != kinds.MAIL_CANCELLED and now >= detail.ends_at:
        # A mail held up (an SMTP outage) past the interview would only confuse.
        return Skipped("the interview is over")
    contact = await candidate_contact(writer.db, row.interview_id)
    address = contact.email if contact else None
    if contact is None or address is None or address.lower() != row.recipient.lower():
        return Skipped("the candidate's email address changed")
    link = await active_link_for(writer.db, detail.id)
    secret = writer.secret_key
    url = candidate_url(writer.base_url, link.id, secret, now=now) if link and secret else None
    return render_candidate_mail(
        row.kind,
        detail,
        language=writer.catalogs.get(contact.language),
        zone=candidate_zone(found.candidate_timezone, detail.timezone),
        link=url,
        company=writer.company,
        host=urlsplit(writer.base_url).hostname or "portal",
        now=now,
    )


async def _choose_mail(
    writer: _Writer, row: OutboxRow, now: datetime
) -> CandidateMail | Skipped | Dead:
    schedule_id, link_id = row.payload.get("self_schedule_id"), row.payload.get("link_id")
    if not isinstance(schedule_id, int) or not isinstance(link_id, int):
        return Dead("the row names no invitation or link")
    schedule = await get_self_schedule(writer.db, schedule_id)
    if schedule is None:
        return Skipped("the invitation no longer exists")
    if schedule.state == "withdrawn":
        return Skipped("the invitation was withdrawn")
    if schedule.state == "booked":
        return Skipped("the candidate has already chosen a time")
    link = await get_link(writer.db, link_id)
    if link is None or link.self_schedule_id != schedule.id or link.interview_id is not None:
        return Skipped("the link no longer names the invitation")
    if not link.is_usable(now):
        return Skipped(f"the link is {link.state(now)}")
    address = schedule.candidate_email
    if address is None or address.lower() != row.recipient.lower():
        return Skipped("the candidate's email address changed")
    if not writer.secret_key:
        return Dead("no secret key to sign the link with (PORTAL_SECRET_KEY)")
    return render_choose_mail(
        schedule,
        language=writer.catalogs.get(schedule.candidate_language),
        zone=candidate_zone(schedule.candidate_timezone, writer.default_zone),
        link=candidate_url(writer.base_url, link.id, writer.secret_key, now=now),
        expires_at=link.expires_at,
        company=writer.company,
    )
