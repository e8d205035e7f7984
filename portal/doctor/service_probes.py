"""The other services: the database and its migrations, the interview platform, SMTP."""

from __future__ import annotations

from pathlib import Path

import aiosmtplib
import httpx

from portal.db.database import Database, DatabaseUnavailable
from portal.db.migrate import schema_status, stored_revisions
from portal.db.urls import is_postgres, parse, redacted
from portal.doctor import verdicts
from portal.doctor.report import Result, failed, passed, shorten, skipped
from portal.doctor.verdicts import DATABASE, PLATFORM, SMTP
from portal.platform import (
    ApiKeyAuth,
    InvalidCredentials,
    PlatformClient,
    PlatformError,
    PlatformUnavailable,
)
from portal.settings import MailSettings, Settings


async def database(settings: Settings, timeout: float) -> Result:
    """Connect, read the schema's revision, compare it with the heads of migrations/."""
    url = settings.database_url
    where = redacted(url)
    if not is_postgres(url) and not Path(str(parse(url).database)).is_file():
        # Connecting would create an empty file; say so instead.
        return failed(
            DATABASE,
            f"{where}: the SQLite file does not exist",
            "Run `portal migrate` to create it, or fix PORTAL_DATABASE_URL.",
        )
    db = Database(
        url,
        min_size=1,
        max_size=1,
        connect_timeout=min(settings.db_connect_timeout, timeout),
        query_timeout=timeout,
    )
    try:
        await db.connect()
        revisions = await stored_revisions(db)
    except DatabaseUnavailable as exc:
        return failed(
            DATABASE,
            f"cannot reach {where} ({exc})",
            "Check PORTAL_DATABASE_URL, that the server is up and accepts this host, "
            "and the user and password.",
        )
    finally:
        await db.disconnect()
    return verdicts.schema(schema_status(revisions), where)


async def platform(settings: Settings, http: httpx.AsyncClient, timeout: float) -> Result:
    """A harmless read with the API key: the first page of rooms."""
    if settings.platform is None:
        return skipped(PLATFORM, "not configured (PLATFORM_API_BASE unset): rooms are HR's links")
    base = settings.platform.api_base
    client = PlatformClient(
        http,
        auth=ApiKeyAuth(str(settings.platform.api_key)),
        api_base=base,
        timeout=httpx.Timeout(timeout),
        max_attempts=1,
    )
    try:
        page = await client.list_interviews(per_page=1)
    except InvalidCredentials:
        return failed(
            PLATFORM,
            f"{base} refused PLATFORM_API_KEY",
            "Check the key in the platform's team settings and PLATFORM_API_KEY.",
        )
    except PlatformUnavailable as exc:
        return failed(
            PLATFORM,
            f"no usable answer from {base} ({exc.errmsg})",
            "Check PLATFORM_API_BASE and that this server reaches the platform.",
        )
    except PlatformError as exc:
        return failed(
            PLATFORM,
            f"{base} answered errcode {exc.errcode} ({shorten(exc.errmsg)})",
            "Check PLATFORM_API_BASE and PLATFORM_API_KEY.",
        )
    return passed(PLATFORM, f"{base} accepted the API key (it lists {page.total} rooms)")


async def smtp(mail: MailSettings | None, timeout: float) -> Result:
    """Connect, EHLO (STARTTLS and login when configured), QUIT: no mail is sent."""
    if mail is None:
        return skipped(SMTP, "not configured (SMTP_HOST unset): candidates get no email")
    where = f"{mail.host}:{mail.port}"
    client = aiosmtplib.SMTP(
        hostname=mail.host,
        port=mail.port,
        timeout=min(mail.timeout, timeout),
        use_tls=mail.tls == "tls",
        start_tls=mail.tls == "starttls",
    )
    done = [{"tls": "TLS", "starttls": "STARTTLS", "none": "no TLS"}[mail.tls], "EHLO"]
    try:
        await client.connect()
        await client.ehlo()
        if mail.user:
            await client.login(mail.user, str(mail.password))
            done.append(f"login as {mail.user}")
        await client.quit()
    except aiosmtplib.SMTPAuthenticationError as exc:
        return failed(
            SMTP,
            f"{where} refused the login of {mail.user} ({exc.code} {shorten(exc.message)})",
            "Check SMTP_USER and SMTP_PASSWORD.",
        )
    except (aiosmtplib.SMTPTimeoutError, TimeoutError):
        return failed(
            SMTP,
            f"no answer from {where} within {min(mail.timeout, timeout):g} s",
            "Check SMTP_HOST, SMTP_PORT, SMTP_TLS and the firewall.",
        )
    except (aiosmtplib.SMTPConnectError, OSError) as exc:
        return failed(
            SMTP,
            f"cannot connect to {where} ({type(exc.__cause__ or exc).__name__})",
            "Check SMTP_HOST and SMTP_PORT (587 with SMTP_TLS=starttls, 465 with tls) "
            "and the firewall.",
        )
    except aiosmtplib.SMTPException as exc:
        return failed(
            SMTP, f"{where}: {shorten(str(exc))}", "Check SMTP_TLS, SMTP_PORT and SMTP_USER."
        )
    finally:
        client.close()
    return passed(SMTP, f"{where} accepted a session ({', '.join(done)}, QUIT; no mail sent)")
