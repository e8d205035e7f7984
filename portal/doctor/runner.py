"""Run every check with its own deadline, print one line each, and exit non-zero on a failure.

Checks that need another's success (the WeCom API checks need a token) are skipped when it
failed. The independent ones run side by side, so one silent service costs one deadline.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import httpx

from portal.clock import SYSTEM_CLOCK, Clock
from portal.db.urls import parse
from portal.doctor import service_probes, wecom_probes
from portal.doctor.report import Result, exit_code, failed, format_report, passed, skipped
from portal.doctor.verdicts import (
    CALLBACK,
    DATABASE,
    GETTOKEN,
    PLATFORM,
    SETTINGS,
    SMTP,
    TRUSTED_IP,
    VISIBLE_RANGE,
)
from portal.settings import Settings, SettingsError, load_settings
from portal.wecom import MemoryTokenStore, WeComClient
from portal.wecom.tokens import ACCESS_TOKEN

DEFAULT_TIMEOUT = 10.0  # seconds per check
AFTER_SETTINGS = (DATABASE, GETTOKEN, TRUSTED_IP, VISIBLE_RANGE, CALLBACK, PLATFORM, SMTP)


@dataclass(frozen=True)
class Report:
    results: tuple[Result, ...]
    secrets: frozenset[str] = frozenset()  # values the output must never show

    @property
    def text(self) -> str:
        return format_report(self.results, self.secrets)

    @property
    def exit_code(self) -> int:
        return exit_code(self.results)


async def bounded(name: str, check: Awaitable[Result], timeout: float) -> Result:
    """The check's result, or a failure when it overran its deadline or broke."""
    try:
        async with asyncio.timeout(timeout + 1):  # the probes' own timeouts come first
            return await check
    except TimeoutError:
        return failed(name, f"no answer within {timeout:g} s", "Check that the service is up.")
    except Exception as exc:  # a doctor reports what broke and goes on with the next check
        return failed(name, f"unexpected error: {type(exc).__name__}: {exc}")


def settings_secrets(settings: Settings) -> set[str]:
    found = {
        str(settings.secret_key),
        str(settings.wecom.secret),
        str(settings.wecom.callback_token),
        str(settings.wecom.callback_aes_key),
        parse(settings.database_url).password or "",
    }
    if settings.platform is not None:
        found |= {str(settings.platform.api_key), str(settings.platform.webhook_secret)}
    if settings.mail is not None:
        found.add(str(settings.mail.password))
    return {value for value in found if value}


async def check_wecom(
    http: httpx.AsyncClient, settings: Settings, clock: Clock, timeout: float, secrets: set[str]
) -> list[Result]:
    """gettoken, then the API checks that need its token, in that order."""
    store = MemoryTokenStore()  # never a cached token: the doctor asks WeCom itself
    wecom = WeComClient(
        http,
        corp_id=settings.wecom.corp_id,
        corp_secret=str(settings.wecom.secret),
        agent_id=settings.wecom.agent_id,
        token_store=store,
        api_base=settings.wecom.api_base,
        timeout=httpx.Timeout(timeout),
        max_attempts=1,
        clock=clock.timestamp,
    )
    token = await bounded(GETTOKEN, wecom_probes.gettoken(wecom, settings, clock), timeout)
    stored = await store.get(wecom.tokens.key(ACCESS_TOKEN))
    if stored is not None:
        secrets.add(stored.value)
    if token.failed:
        return [
            token,
            *(skipped(n, "needs a working gettoken") for n in (TRUSTED_IP, VISIBLE_RANGE)),
        ]
    trusted = await bounded(TRUSTED_IP, wecom_probes.trusted_ip(wecom, settings), timeout)
    if trusted.failed:
        return [token, trusted, skipped(VISIBLE_RANGE, "needs our IP trusted (see above)")]
    visible = await bounded(VISIBLE_RANGE, wecom_probes.visible_range(wecom, settings), timeout)
    return [token, trusted, visible]


async def run_checks(
    environ: Mapping[str, str] | None = None,
    *,
    env_file: str | Path | None = ".env",
    clock: Clock = SYSTEM_CLOCK,
    timeout: float = DEFAULT_TIMEOUT,
) -> Report:
    """Every check, in a fixed order; `environ` and `env_file` as `load_settings` takes them."""
    try:
        settings = load_settings(environ, env_file=env_file)
    except SettingsError as exc:
        return Report(
            (
                failed(
                    SETTINGS, f"{exc.variable} {exc.problem}", "Fix it, then run the doctor again."
                ),
                *(skipped(name, "needs valid settings") for name in AFTER_SETTINGS),
            )
        )
    secrets = settings_secrets(settings)
    loaded = passed(SETTINGS, f"valid (PORTAL_BASE_URL {settings.base_url})")
    async with httpx.AsyncClient(timeout=httpx.Timeout(timeout)) as http:
        db, wecom, hook, rooms, mail = await asyncio.gather(
            bounded(DATABASE, service_probes.database(settings, timeout), timeout),
            check_wecom(http, settings, clock, timeout, secrets),
            bounded(CALLBACK, wecom_probes.callback(http, settings, clock, timeout), timeout),
            bounded(PLATFORM, service_probes.platform(settings, http, timeout), timeout),
            bounded(SMTP, service_probes.smtp(settings.mail, timeout), timeout),
        )
    return Report((loaded, db, *wecom, hook, rooms, mail), frozenset(secrets))


async def run_doctor(
    environ: Mapping[str, str] | None = None,
    *,
    env_file: str | Path | None = ".env",
    clock: Clock = SYSTEM_CLOCK,
    timeout: float = DEFAULT_TIMEOUT,
    out: TextIO | None = None,
) -> int:
    """`portal doctor`: print the report to `out` (stdout) and return the exit status."""
    report = await run_checks(environ, env_file=env_file, clock=clock, timeout=timeout)
    (out or sys.stdout).write(report.text)
    return report.exit_code
