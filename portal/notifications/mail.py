"""Candidate email: render the row at send time and hand it to the SMTP server (aiosmtplib).

A connection failure, a timeout or a 4xx reply is transient (retried with the outbox's
backoff); a 5xx reply is permanent (a dead letter carrying the server's reply). Mail is not
paced: WeCom's per-member limits do not apply to an SMTP server.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import urlsplit

import aiosmtplib

from portal.db.candidate_mail import candidate_email
from portal.db.database import Database
from portal.db.outbox import OutboxRow
from portal.db.share_links import active_link_for
from portal.db.share_view import candidate_interview
from portal.i18n import Catalogs
from portal.notifications import kinds
from portal.notifications.outcomes import Dead, Outcome, Sent, Skipped
from portal.notifications.render.candidate_mail import (
    candidate_zone,
    render_candidate_mail,
    to_message,
)
from portal.settings import MailSettings
from portal.share.signing import candidate_url


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


async def mail_call(
    *,
    db: Database,
    mail: MailSettings | None,
    catalogs: Catalogs,
    base_url: str,
    secret_key: str,
    company: str,
    row: OutboxRow,
    now: datetime,
) -> tuple[Outcome | None, Callable[[], Awaitable[Outcome]] | None]:
    """(outcome, None) when the row must not go, else (None, the send)."""
    if mail is None:
        return Skipped("no mail server is configured (SMTP_HOST)"), None
    if row.interview_id is None:
        return Skipped("the interview no longer exists"), None
    found = await candidate_interview(db, row.interview_id)
    if found is None:
        return Skipped("the interview no longer exists"), None
    detail = found.detail
    if detail.status.value == "cancelled" and row.kind != kinds.MAIL_CANCELLED:
        return Skipped("the interview was cancelled"), None
    if row.kind == kinds.MAIL_REMINDER and now >= detail.starts_at:
        return Skipped("the interview has already started"), None
    if row.kind != kinds.MAIL_CANCELLED and now >= detail.ends_at:
        # A mail held up (an SMTP outage) past the interview would only confuse.
        return Skipped("the interview is over"), None
    address = await candidate_email(db, row.interview_id)
    if address is None or address.lower() != row.recipient.lower():
        return Skipped("the candidate's email address changed"), None
    link = await active_link_for(db, detail.id)
    url = candidate_url(base_url, link.id, secret_key, now=now) if link and secret_key else None
    rendered = render_candidate_mail(
        row.kind,
        detail,
        language=catalogs.get(None),
        zone=candidate_zone(found.candidate_timezone, detail.timezone),
        link=url,
        company=company,
        host=urlsplit(base_url).hostname or "portal",
        now=now,
    )
    message = to_message(rendered, sender=mail.sender, recipient=row.recipient, base_url=base_url)
    return None, functools.partial(send_mail, mail, message)
