"""All configuration, read once from the environment and `.env`, validated at start-up.

A missing or malformed value raises `SettingsError` naming the variable; the CLI prints that
one line and exits, so an operator never has to read a traceback to fix a typo.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.config import Config
from starlette.datastructures import Secret

from portal.db.urls import default_url
from portal.db.urls import parse as parse_database_url

PLATFORM_MOUNT = "/_platform"
MAIL_MOUNT = "/_mail"
DEMO_MAIL_FROM = "interviews@example.com"
PLACEHOLDER_SECRETS = {"change-me", "changeme", "secret", "please-change-me"}
SESSION_IDLE_SECONDS = 12 * 60 * 60
# However busy, a session ends this long after its sign-in (issue 14).
SESSION_ABSOLUTE_SECONDS = 7 * 24 * 60 * 60
# The demo's company, as its candidates see it (a made-up name, in both of its languages).
DEMO_COMPANY_NAME = "示例科技 Example Tech"


class SettingsError(Exception):
    """A configuration value is missing or malformed."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


@dataclass(frozen=True)
class WeComSettings:
    corp_id: str
    agent_id: int
    secret: Secret
    callback_token: Secret
    callback_aes_key: Secret
    api_base: str = "https://qyapi.weixin.qq.com"
    # Where browsers are sent to sign in; the demo points both at the sandbox.
    oauth_base: str = "https://open.weixin.qq.com"
    web_login_base: str = "https://login.work.weixin.qq.com"


@dataclass(frozen=True)
class PlatformSettings:
    """The interview-room platform (platform-api.md). Absent: rooms are HR's own links."""

    api_base: str
    api_key: Secret
    webhook_secret: Secret


@dataclass(frozen=True)
class MailSettings:
    """Candidate email over SMTP (issue 16). Absent (no SMTP_HOST): candidates get no mail."""

    host: str
    port: int
    user: str
    password: Secret
    sender: str
    tls: str  # starttls, tls, none
    timeout: float = 10.0


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: Secret
    base_url: str
    timezone: str
    wecom: WeComSettings
    admins: tuple[str, ...] = ()
    hr_departments: tuple[int, ...] = ()
    hr_tags: tuple[int, ...] = ()
    debug: bool = False
    demo: bool = False
    # The demo serves the WeCom sandbox under this path of the portal itself.
    sandbox_mount: str | None = None
    session_idle_seconds: int = SESSION_IDLE_SECONDS
    session_absolute_seconds: int = SESSION_ABSOLUTE_SECONDS
    log_level: str = "INFO"
    # Candidate share links (issue 6): expiry after the interview ends; online-cancel cutoff.
    link_grace_hours: int = 24
    candidate_cancel_hours: int = 24
    # Self-scheduling (issue 16): a candidate moves their chosen time themselves until this
    # many hours before the start, at most this many times; after that they ask HR.
    candidate_move_hours: int = 24
    candidate_max_moves: int = 2
    company_name: str = ""  # shown to candidates; empty: no name (never the staff portal's)
    # Scheduling (issue 5): the least free time between two interviews of one person.
    booking_buffer_minutes: int = 15
    # Interview rooms (issue 12): the platform, and how early the candidate may enter.
    platform: PlatformSettings | None = None
    platform_mount: str | None = None  # the demo serves the platform sandbox here
    join_early_minutes: int = 15
    # Bounded waits (issue 14): a silent database or a dribbling client never holds a worker.
    db_connect_timeout: float = 3.0
    db_query_timeout: float = 15.0
    header_timeout: float = 10.0  # the request line and headers, from their first byte
    body_timeout: float = 60.0  # the whole request body, from the headers
    mail: MailSettings | None = None  # candidate email (issue 16); None: no mail
    mail_mount: str | None = None  # the demo's own SMTP server and its mailbox page
    # Operations (issue 17): one JSON object per log line, and the Prometheus endpoints.
    log_format: str = "text"  # text, json
    metrics_token: Secret | None = None  # None: GET /metrics answers 404
    worker_metrics_port: int | None = None  # `portal worker` serves /metrics on this port

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")

    def url(self, path: str) -> str:
        """An absolute public URL for a local path (OAuth redirect URIs, links in messages)."""
        return self.base_url + path


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    env_file: str | Path | None = ".env",
    demo: bool = False,
    demo_port: int = 8000,
) -> Settings:
    """Read and validate the configuration. Raises SettingsError on the first bad value."""
    config = _config(environ, env_file)
    base_url = _base_url(_get(config, "PORTAL_BASE_URL", f"http://127.0.0.1:{demo_port}"))
    secret_key = _secret_key(_get(config, "PORTAL_SECRET_KEY", ""), demo=demo)
    platform: PlatformSettings | None
    if demo:
        wecom, hr_departments, admins = _demo_wecom(config, base_url)
        platform = _demo_platform(base_url)
    else:
        wecom = _wecom(config)
        hr_departments = _int_list(config, "PORTAL_HR_DEPARTMENTS")
        admins = _str_list(config, "PORTAL_ADMINS")
        platform = _platform(config)
    metrics_token = _metrics_token(_get(config, "PORTAL_METRICS_TOKEN", ""))
    worker_metrics_port = _port(config, "PORTAL_WORKER_METRICS_PORT")
    if worker_metrics_port is not None and metrics_token is None:
        raise SettingsError("PORTAL_WORKER_METRICS_PORT", "needs PORTAL_METRICS_TOKEN set too")
    return Settings(
        database_url=_database_url(_get(config, "PORTAL_DATABASE_URL", "")),
        secret_key=secret_key,
        base_url=base_url,
        timezone=_timezone(_get(config, "PORTAL_TIMEZONE", "Asia/Shanghai")),
        wecom=wecom,
        admins=admins,
        hr_departments=hr_departments,
        hr_tags=_int_list(config, "PORTAL_HR_TAGS"),
        debug=_bool(config, "PORTAL_DEBUG", False),
        demo=demo,
        sandbox_mount="/_sandbox" if demo else None,
        log_level=_log_level(_get(config, "PORTAL_LOG_LEVEL", "INFO")),
        link_grace_hours=_hours(config, "PORTAL_LINK_GRACE_HOURS", 24),
        candidate_cancel_hours=_hours(config, "PORTAL_CANDIDATE_CANCEL_HOURS", 24),
        candidate_move_hours=_hours(config, "PORTAL_CANDIDATE_MOVE_HOURS", 24),
        candidate_max_moves=_hours(config, "PORTAL_CANDIDATE_MAX_MOVES", 2),
        company_name=_get(config, "PORTAL_COMPANY_NAME", DEMO_COMPANY_NAME if demo else "")[:128],
        booking_buffer_minutes=_minutes(config, "PORTAL_BOOKING_BUFFER_MINUTES", 15),
        platform=platform,
        platform_mount=PLATFORM_MOUNT if demo else None,
        join_early_minutes=_minutes(config, "PLATFORM_JOIN_EARLY_MINUTES", 15),
        db_connect_timeout=_seconds(config, "PORTAL_DB_CONNECT_TIMEOUT", 3.0),
        db_query_timeout=_seconds(config, "PORTAL_DB_QUERY_TIMEOUT", 15.0),
        header_timeout=_seconds(config, "PORTAL_HEADER_TIMEOUT", 10.0),
        body_timeout=_seconds(config, "PORTAL_BODY_TIMEOUT", 60.0),
        mail=_mail(config) or (_demo_mail() if demo else None),
        mail_mount=MAIL_MOUNT if demo and not _get(config, "SMTP_HOST", "") else None,
        log_format=_choice(config, "PORTAL_LOG_FORMAT", ("text", "json")),
        metrics_token=metrics_token,
        worker_metrics_port=worker_metrics_port,
    )


def _config(environ: Mapping[str, str] | None, env_file: str | Path | None) -> Config:
    env_path = Path(env_file) if env_file else None
    return Config(
        env_path if env_path and env_path.is_file() else None,
        environ=dict(environ) if environ is not None else _os_environ(),
    )


def _os_environ() -> dict[str, str]:
    import os

    return dict(os.environ)


def _get(config: Config, name: str, default: str) -> str:
    return str(config(name, default=default)).strip()


def _required(config: Config, name: str) -> str:
    value = _get(config, name, "")
    if not value:
        raise SettingsError(name, "is required")
    return value


def _database_url(value: str) -> str:
    if not value:
        return default_url()
    try:
        parse_database_url(value)
    except ValueError as exc:
        raise SettingsError("PORTAL_DATABASE_URL", str(exc)) from exc
    return value


def _secret_key(value: str, *, demo: bool) -> Secret:
    if not value:
        if demo:
            # A fresh key per demo run: demo sessions simply end when the demo restarts.
            return Secret(secrets.token_urlsafe(48))
        raise SettingsError("PORTAL_SECRET_KEY", "is required (e.g. `openssl rand -hex 32`)")
    if value.lower() in PLACEHOLDER_SECRETS:
        raise SettingsError("PORTAL_SECRET_KEY", "is a placeholder; set a random value")
    if len(value) < 32:
        raise SettingsError("PORTAL_SECRET_KEY", "must be at least 32 characters")
    return Secret(value)


def _http_url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise SettingsError(name, f"must be an http(s) URL, got {value!r}")
    if parts.query or parts.fragment:
        raise SettingsError(name, "must not have a query string or fragment")
    return value.rstrip("/")


def _base_url(value: str) -> str:
    return _http_url("PORTAL_BASE_URL", value)


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError("PORTAL_TIMEZONE", f"unknown time zone {value!r}") from exc
    return value


def _str_list(config: Config, name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in _get(config, name, "").split(",") if part.strip())


def _int_list(config: Config, name: str) -> tuple[int, ...]:
    items = _str_list(config, name)
    try:
        return tuple(int(item) for item in items)
    except ValueError as exc:
        raise SettingsError(name, "must be comma-separated whole numbers") from exc


def _bool(config: Config, name: str, default: bool) -> bool:
    value = _get(config, name, "true" if default else "false").lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise SettingsError(name, f"must be true or false, got {value!r}")


def _log_level(value: str) -> str:
    level = value.upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise SettingsError("PORTAL_LOG_LEVEL", "must be DEBUG, INFO, WARNING or ERROR")
    return level


def _hours(config: Config, name: str, default: int) -> int:
    value = _get(config, name, str(default))
    if not value.isdigit() or int(value) > 24 * 365:
        raise SettingsError(name, f"must be a whole number of hours (0-8760), got {value!r}")
    return int(value)


def _minutes(config: Config, name: str, default: int) -> int:
    value = _get(config, name, str(default))
    if not value.isdigit() or int(value) > 240:
        raise SettingsError(name, f"must be a whole number of minutes (0-240), got {value!r}")
    return int(value)


def _seconds(config: Config, name: str, default: float) -> float:
    value = _get(config, name, str(default))
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 600:  # also refuses nan and inf
        raise SettingsError(
            name, f"must be a number of seconds (above 0, at most 600), got {value!r}"
        )
    return seconds


SMTP_TLS_MODES = ("starttls", "tls", "none")
_ADDRESS = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\".]+")


def _choice(config: Config, name: str, choices: tuple[str, ...]) -> str:
    value = _get(config, name, choices[0]).lower()
    if value not in choices:
        raise SettingsError(name, f"must be {' or '.join(choices)}, got {value!r}")
    return value


def _metrics_token(value: str) -> Secret | None:
    if not value:
        return None
    if len(value) < 16:
        raise SettingsError("PORTAL_METRICS_TOKEN", "must be at least 16 characters")
    return Secret(value)


def _port(config: Config, name: str) -> int | None:
    value = _get(config, name, "")
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise SettingsError(name, f"must be a port number (1-65535), got {value!r}")
    return int(value)


def _mail(config: Config) -> MailSettings | None:
    """SMTP_* settings; SMTP_HOST empty means no candidate mail at all."""
    host = _get(config, "SMTP_HOST", "")
    if not host:
        return None
    tls = _get(config, "SMTP_TLS", "starttls").lower()
    if tls not in SMTP_TLS_MODES:
        raise SettingsError("SMTP_TLS", f"must be starttls, tls or none, got {tls!r}")
    default_port = {"starttls": "587", "tls": "465", "none": "25"}[tls]
    port = _get(config, "SMTP_PORT", default_port)
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingsError("SMTP_PORT", f"must be a port number (1-65535), got {port!r}")
    sender = _get(config, "SMTP_FROM", "")
    if not _ADDRESS.fullmatch(sender) or len(sender) > 254:
        raise SettingsError("SMTP_FROM", f"must be an email address, got {sender!r}")
    return MailSettings(
        host=host,
        port=int(port),
        user=_get(config, "SMTP_USER", ""),
        password=Secret(_get(config, "SMTP_PASSWORD", "")),
        sender=sender,
        tls=tls,
    )


def _demo_mail() -> MailSettings:
    """The demo's own SMTP server on loopback (started with the app; read it under /_mail)."""
    from portal.notifications.mailbox import free_port

    return MailSettings("127.0.0.1", free_port(), "", Secret(""), DEMO_MAIL_FROM, "none")


def _aes_key(value: str) -> Secret:
    if len(value) != 43:
        raise SettingsError("WECOM_CALLBACK_AES_KEY", f"must be 43 characters, got {len(value)}")
    return Secret(value)


def _agent_id(value: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise SettingsError("WECOM_AGENT_ID", f"must be a whole number, got {value!r}") from exc


def _wecom(config: Config) -> WeComSettings:
    return WeComSettings(
        corp_id=_required(config, "WECOM_CORP_ID"),
        agent_id=_agent_id(_required(config, "WECOM_AGENT_ID")),
        secret=Secret(_required(config, "WECOM_SECRET")),
        callback_token=Secret(_required(config, "WECOM_CALLBACK_TOKEN")),
        callback_aes_key=_aes_key(_required(config, "WECOM_CALLBACK_AES_KEY")),
        api_base=_http_url(
            "WECOM_API_BASE", _get(config, "WECOM_API_BASE", "https://qyapi.weixin.qq.com")
        ),
        # Only a staging set-up that runs `portal sandbox` changes these two.
        oauth_base=_http_url(
            "WECOM_OAUTH_BASE", _get(config, "WECOM_OAUTH_BASE", "https://open.weixin.qq.com")
        ),
        web_login_base=_http_url(
            "WECOM_WEB_LOGIN_BASE",
            _get(config, "WECOM_WEB_LOGIN_BASE", "https://login.work.weixin.qq.com"),
        ),
    )


def _demo_wecom(
    config: Config, base_url: str
) -> tuple[WeComSettings, tuple[int, ...], tuple[str, ...]]:
    """The demo talks to the built-in sandbox mounted at /_sandbox of the portal itself."""
    from portal.wecom import sandbox

    sandbox_base = base_url + "/_sandbox"
    wecom = WeComSettings(
        corp_id=sandbox.DEMO_CORP_ID,
        agent_id=sandbox.DEMO_AGENT_ID,
        secret=Secret(sandbox.DEMO_SECRET),
        callback_token=Secret(sandbox.DEMO_CALLBACK_TOKEN),
        callback_aes_key=Secret(sandbox.DEMO_CALLBACK_AES_KEY),
        api_base=sandbox_base,
        oauth_base=sandbox_base,
        web_login_base=sandbox_base,
    )
    hr = _int_list(config, "PORTAL_HR_DEPARTMENTS") or (sandbox.DEMO_HR_DEPARTMENT_ID,)
    admins = _str_list(config, "PORTAL_ADMINS") or (sandbox.DEMO_ADMIN_USERID,)
    return wecom, hr, admins


def _platform(config: Config) -> PlatformSettings | None:
    """All three PLATFORM_* values, or none of them (no platform: manual room links)."""
    base = _get(config, "PLATFORM_API_BASE", "")
    key = _get(config, "PLATFORM_API_KEY", "")
    secret = _get(config, "PLATFORM_WEBHOOK_SECRET", "")
    if not (base or key or secret):
        return None
    for name, value in (
        ("PLATFORM_API_BASE", base),
        ("PLATFORM_API_KEY", key),
        ("PLATFORM_WEBHOOK_SECRET", secret),
    ):
        if not value:
            raise SettingsError(name, "is required when the interview platform is configured")
    if len(secret) < 16:
        raise SettingsError("PLATFORM_WEBHOOK_SECRET", "must be at least 16 characters")
    return PlatformSettings(
        api_base=_http_url("PLATFORM_API_BASE", base),
        api_key=Secret(key),
        webhook_secret=Secret(secret),
    )


def _demo_platform(base_url: str) -> PlatformSettings:
    """The demo talks to the platform sandbox mounted at /_platform of the portal itself."""
    from portal.platform import sandbox

    return PlatformSettings(
        api_base=base_url + PLATFORM_MOUNT,
        api_key=Secret(sandbox.DEMO_API_KEY),
        webhook_secret=Secret(sandbox.DEMO_WEBHOOK_SECRET),
    )


@dataclass(frozen=True)
class PlatformSandboxSettings:
    """What `portal rooms-sandbox` needs: the portal's own PLATFORM_* credentials (the demo's
    when unset) and where the portal takes webhooks."""

    api_key: str
    webhook_secret: str
    webhook_url: str


def load_platform_sandbox_settings(
    environ: Mapping[str, str] | None = None, *, env_file: str | Path | None = ".env"
) -> PlatformSandboxSettings:
    from portal.platform import sandbox

    config = _config(environ, env_file)
    base_url = _base_url(_get(config, "PORTAL_BASE_URL", "http://127.0.0.1:8000"))
    return PlatformSandboxSettings(
        api_key=_get(config, "PLATFORM_API_KEY", "") or sandbox.DEMO_API_KEY,
        webhook_secret=_get(config, "PLATFORM_WEBHOOK_SECRET", "") or sandbox.DEMO_WEBHOOK_SECRET,
        webhook_url=base_url + "/platform/webhook",
    )


@dataclass(frozen=True)
class WeComSandboxSettings:
    """What `portal sandbox` needs: the corp the portal's WECOM_* settings name (each value the
    demo corp's when unset) and where the portal takes card-button callbacks."""

    corp_id: str
    secret: str
    agent_id: int
    callback_token: str
    callback_aes_key: str
    callback_url: str


def load_wecom_sandbox_settings(
    environ: Mapping[str, str] | None = None, *, env_file: str | Path | None = ".env"
) -> WeComSandboxSettings:
    """Read `portal sandbox`'s corp. Raises SettingsError on a malformed value that is set."""
    from portal.wecom import sandbox

    config = _config(environ, env_file)
    base_url = _base_url(_get(config, "PORTAL_BASE_URL", "http://127.0.0.1:8000"))
    agent_id = _get(config, "WECOM_AGENT_ID", "")
    aes_key = _get(config, "WECOM_CALLBACK_AES_KEY", "")
    return WeComSandboxSettings(
        corp_id=_get(config, "WECOM_CORP_ID", "") or sandbox.DEMO_CORP_ID,
        secret=_get(config, "WECOM_SECRET", "") or sandbox.DEMO_SECRET,
        agent_id=_agent_id(agent_id) if agent_id else sandbox.DEMO_AGENT_ID,
        callback_token=_get(config, "WECOM_CALLBACK_TOKEN", "") or sandbox.DEMO_CALLBACK_TOKEN,
        callback_aes_key=str(_aes_key(aes_key)) if aes_key else sandbox.DEMO_CALLBACK_AES_KEY,
        callback_url=base_url + "/wecom/callback",
    )
