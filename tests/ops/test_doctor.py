"""`portal doctor` against a real deployment on loopback: a portal served by uvicorn as
PORTAL_BASE_URL, the WeCom and platform sandboxes, an aiosmtpd server, SQLite and
PostgreSQL. Each failure is one the sandboxes or the set-up really produce.
"""

from __future__ import annotations

import asyncio
import io
import secrets
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from sqlalchemy.engine import URL, make_url
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from portal.app import create_app
from portal.clock import FrozenClock
from portal.doctor import Report, Status, run_checks, run_doctor
from portal.doctor.report import format_line
from portal.doctor.runner import settings_secrets
from portal.notifications.mailbox import Mailbox
from portal.platform.sandbox import DEMO_API_KEY, DEMO_WEBHOOK_SECRET
from portal.settings import load_settings
from portal.wecom import sandbox as demo
from portal.wecom.sandbox import SandboxConfig
from portal.wecom.sandbox.config import VisibleRange
from tests.conftest import environ_for
from tests.support import databases
from tests.support.platform import PlatformControl
from tests.support.sandbox import SandboxControl
from tests.support.servers import free_port, serve_in_thread

SMTP_USER = "mailer"
SMTP_PASSWORD = "smtp-password-Qz81vX"
OTHER_AES_KEY = "b" * 43
UNTRUSTED = (
    "not allow to access from your ip, hint: [1732000000_22_abcdef], from ip: 203.0.113.7, "
    "more info at https://open.work.weixin.qq.com/devtool/query?e=60020"
)
NAMES = [
    "settings",
    "database",
    "gettoken",
    "trusted IP",
    "visible range",
    "callback URL",
    "platform",
    "SMTP",
]


class Accounts:
    """aiosmtpd's authenticator: one account."""

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: object
    ) -> AuthResult:
        good = isinstance(data, LoginPassword) and (data.login, data.password) == (
            SMTP_USER.encode(),
            SMTP_PASSWORD.encode(),
        )
        return AuthResult(success=good, handled=False)  # a refusal answers 535


@pytest.fixture
def smtp_port() -> Iterator[int]:
    """A real SMTP server on loopback that wants a login (plain text is fine on loopback)."""
    port = free_port()
    controller = Controller(
        Mailbox(),
        hostname="127.0.0.1",
        port=port,
        authenticator=Accounts(),
        auth_require_tls=False,
    )
    controller.start()
    yield port
    controller.stop()


@dataclass
class Deployment:
    """The environment a deployment runs with, and a way to serve a portal for it."""

    env: dict[str, str]
    clock: FrozenClock

    def serve(self, **overrides: str) -> AbstractContextManager[str]:
        """The portal on PORTAL_BASE_URL's port, with this environment plus `overrides`."""
        settings = load_settings({**self.env, **overrides}, env_file=None)
        port = int(self.env["PORTAL_BASE_URL"].rsplit(":", 1)[1])
        return serve_in_thread(create_app(settings, clock=self.clock), port=port)

    async def doctor(self, timeout: float = 5.0, **overrides: str) -> Report:
        environ = {**self.env, **overrides}
        return await run_checks(environ, env_file=None, clock=self.clock, timeout=timeout)


def deployment_for(
    database_url: str,
    sandbox: SandboxControl,
    platform: PlatformControl,
    smtp_port: int,
    clock: FrozenClock,
) -> Deployment:
    env = environ_for(
        database_url,
        sandbox.base_url,
        PORTAL_BASE_URL=f"http://127.0.0.1:{free_port()}",
        PLATFORM_API_BASE=platform.base_url,
        PLATFORM_API_KEY=DEMO_API_KEY,
        PLATFORM_WEBHOOK_SECRET=DEMO_WEBHOOK_SECRET,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_port),
        SMTP_TLS="none",
        SMTP_USER=SMTP_USER,
        SMTP_PASSWORD=SMTP_PASSWORD,
        SMTP_FROM="interviews@example.com",
    )
    return Deployment(env, clock)


@pytest.fixture
def deployment(
    sqlite_url: str,
    sandbox: SandboxControl,
    platform: PlatformControl,
    smtp_port: int,
    clock: FrozenClock,
) -> Deployment:
    return deployment_for(sqlite_url, sandbox, platform, smtp_port, clock)


@pytest.fixture
def wecom_config(request: pytest.FixtureRequest) -> SandboxConfig:
    """The demo corp; `indirect` parametrisation passes another visible range."""
    visible = getattr(request, "param", VisibleRange())
    return SandboxConfig(visible=visible)


def statuses(report: Report) -> dict[str, Status]:
    return {result.name: result.status for result in report.results}


def line(report: Report, name: str) -> str:
    [found] = [text for text in report.text.splitlines() if text[6:].startswith(f"{name}:")]
    return found


def raw_output(report: Report) -> str:
    """What the checks said before the report's masking: it must hold no secret either."""
    return "\n".join(format_line(result) for result in report.results)


def assert_no_secrets(report: Report, *extra: str) -> None:
    secrets = {
        demo.DEMO_SECRET,
        demo.DEMO_CALLBACK_TOKEN,
        demo.DEMO_CALLBACK_AES_KEY,
        DEMO_API_KEY,
        DEMO_WEBHOOK_SECRET,
        SMTP_PASSWORD,
        *report.secrets,
        *extra,
    }
    for secret in secrets:
        assert secret not in report.text and secret not in raw_output(report), secret


async def test_doctor_healthy_deployment_passes_every_check(
    db_url: str,
    sandbox: SandboxControl,
    platform: PlatformControl,
    smtp_port: int,
    clock: FrozenClock,
) -> None:
    deployment = deployment_for(db_url, sandbox, platform, smtp_port, clock)
    with deployment.serve():
        report = await deployment.doctor()
    assert [r.name for r in report.results] == NAMES
    assert report.exit_code == 0, report.text
    assert set(statuses(report).values()) == {Status.OK}
    assert line(report, "gettoken") == "ok    gettoken: token issued (expires in 7200 s)"
    assert "(via 1)" in line(report, "visible range")
    assert "answered WeCom's URL verification" in line(report, "callback URL")
    assert "login as mailer" in line(report, "SMTP")
    assert report.text.endswith("all 8 checks passed (0 skipped).\n")
    # The access token the doctor was issued is among what it masks, and it never printed it.
    configured = settings_secrets(load_settings(deployment.env, env_file=None))
    [token] = report.secrets - configured
    assert len(token) >= 32
    assert_no_secrets(report)
    assert sandbox.calls("gettoken") == 1


async def test_doctor_unconfigured_services_are_skipped_and_do_not_fail(
    sqlite_url: str, sandbox: SandboxControl, clock: FrozenClock
) -> None:
    env = environ_for(
        sqlite_url, sandbox.base_url, PORTAL_BASE_URL=f"http://127.0.0.1:{free_port()}"
    )
    deployment = Deployment(env, clock)
    out = io.StringIO()
    with deployment.serve():
        code = await run_doctor(env, env_file=None, clock=clock, timeout=5, out=out)
    assert code == 0, out.getvalue()
    text = out.getvalue()
    assert "skip  platform: not configured (PLATFORM_API_BASE unset)" in text
    assert "skip  SMTP: not configured (SMTP_HOST unset)" in text
    assert text.endswith("all 6 checks passed (2 skipped).\n")


async def test_doctor_bad_setting_names_the_variable_and_skips_the_rest(
    deployment: Deployment,
) -> None:
    report = await deployment.doctor(WECOM_CALLBACK_AES_KEY="short")
    assert report.exit_code == 1
    assert line(report, "settings").startswith(
        "FAIL  settings: WECOM_CALLBACK_AES_KEY must be 43 characters"
    )
    assert [statuses(report)[name] for name in NAMES[1:]] == [Status.SKIP] * 7


async def test_doctor_wrong_secret_reports_the_gettoken_errcode(
    deployment: Deployment, sandbox: SandboxControl
) -> None:
    wrong = "wrong-secret-0123456789abcdefghijklmnopq"
    with deployment.serve():
        report = await deployment.doctor(WECOM_SECRET=wrong)
    assert report.exit_code == 1
    found = line(report, "gettoken")
    assert found.startswith("FAIL  gettoken: WeCom refused WECOM_CORP_ID / WECOM_SECRET: ")
    assert "errcode 40001 (invalid secret)" in found and "this app's Secret" in found
    assert statuses(report)["trusted IP"] is Status.SKIP
    assert statuses(report)["visible range"] is Status.SKIP
    assert statuses(report)["callback URL"] is Status.OK
    assert_no_secrets(report, wrong)


async def test_doctor_untrusted_ip_prints_the_ip_wecom_reported(
    deployment: Deployment, sandbox: SandboxControl
) -> None:
    sandbox.fault(path="department/simplelist", errcode=60020, errmsg=UNTRUSTED)
    with deployment.serve():
        report = await deployment.doctor()
    assert report.exit_code == 1
    assert statuses(report)["gettoken"] is Status.OK  # WeCom hands out tokens regardless
    assert line(report, "trusted IP") == (
        "FAIL  trusted IP: WeCom refused our IP 203.0.113.7 (60020). Add it in the admin "
        "console (work.weixin.qq.com): 应用管理 → the app → 企业可信IP (it takes about a "
        "minute to apply)."
    )
    assert statuses(report)["visible range"] is Status.SKIP
    assert_no_secrets(report)


@pytest.mark.parametrize(
    "wecom_config", [VisibleRange(userids=("liuyang",), department_ids=(2, 3))], indirect=True
)
async def test_doctor_hr_department_outside_the_visible_range_fails(
    deployment: Deployment,
) -> None:
    with deployment.serve():
        report = await deployment.doctor()
    assert report.exit_code == 1
    found = line(report, "visible range")
    assert found.startswith(
        "FAIL  visible range: HR department 4 is outside the app's visible range "
        "(it covers departments 2, 3; 1 member)"
    )
    assert found.endswith("应用管理 → the app → 可见范围.")


@pytest.mark.parametrize(
    "wecom_config", [VisibleRange(department_ids=(), tag_ids=(2,))], indirect=True
)
async def test_doctor_hr_department_seen_through_a_visible_tag_passes(
    deployment: Deployment,
) -> None:
    # Tag 2 (面试官) carries the backend team, department 6.
    report = await deployment.doctor(PORTAL_HR_DEPARTMENTS="6")
    assert line(report, "visible range") == (
        "ok    visible range: the app sees the HR departments: 6"
    )


async def test_doctor_callback_with_another_aes_key_is_a_key_mismatch(
    deployment: Deployment,
) -> None:
    with deployment.serve(WECOM_CALLBACK_AES_KEY=OTHER_AES_KEY):
        report = await deployment.doctor()
    assert report.exit_code == 1
    found = line(report, "callback URL")
    base = deployment.env["PORTAL_BASE_URL"]
    assert found.startswith(f"FAIL  callback URL: {base}/wecom/callback answered HTTP 40")
    assert "Token / AES key mismatch" in found and "WECOM_CALLBACK_AES_KEY" in found
    assert_no_secrets(report, OTHER_AES_KEY)


async def test_doctor_callback_answering_another_body_is_reported(
    deployment: Deployment,
) -> None:
    async def elsewhere(request: Request) -> PlainTextResponse:
        return PlainTextResponse("success")

    port = int(deployment.env["PORTAL_BASE_URL"].rsplit(":", 1)[1])
    app = Starlette(routes=[Route("/wecom/callback", elsewhere)])
    with serve_in_thread(app, port=port, lifespan="off"):
        report = await deployment.doctor()
    found = line(report, "callback URL")
    assert "answered 200 but not the decrypted echostr (got 'success')" in found
    assert "(token / AES key mismatch)" in found and "something other than this portal" in found


async def test_doctor_unreachable_base_url_is_reported(deployment: Deployment) -> None:
    report = await deployment.doctor()  # nothing listens on PORTAL_BASE_URL's port
    found = line(report, "callback URL")
    assert found.startswith(
        f"FAIL  callback URL: {deployment.env['PORTAL_BASE_URL']}/wecom/callback is "
        "unreachable (ConnectError"
    )
    assert "PORTAL_BASE_URL" in found.split(". ", 1)[1]


@pytest.fixture(params=["sqlite", "postgresql"])
def behind_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database migrated to the revision before the head."""
    from alembic.script import ScriptDirectory

    from portal.db.migrate import alembic_config, upgrade

    script = ScriptDirectory.from_config(alembic_config(""))
    [head] = script.get_heads()
    previous = script.get_revision(head).down_revision
    assert isinstance(previous, str)
    with _fresh_database(request, tmp_path) as url:
        upgrade(url, previous)
        yield url


@contextmanager
def _fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/behind.db"
        return
    request.getfixturevalue("postgres_url")  # skips (or fails under CI) like the suite does
    admin = make_url(databases.postgres_admin_url())
    name = f"portal_doctor_{secrets.token_hex(4)}"
    asyncio.run(_postgres(admin, f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_postgres(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _postgres(admin: URL, statement: str) -> None:
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def test_doctor_database_behind_its_migrations_says_run_migrate(
    behind_url: str,
    sandbox: SandboxControl,
    platform: PlatformControl,
    smtp_port: int,
    clock: FrozenClock,
) -> None:
    deployment = deployment_for(behind_url, sandbox, platform, smtp_port, clock)
    report = await deployment.doctor()
    found = line(report, "database")
    assert found.startswith("FAIL  database: ") and ", 1 migration behind " in found
    assert found.endswith("Run `portal migrate`.")
    assert report.exit_code == 1


async def test_doctor_missing_sqlite_file_is_not_created(
    deployment: Deployment, tmp_path: Path
) -> None:
    path = tmp_path / "nowhere.db"
    report = await deployment.doctor(PORTAL_DATABASE_URL=f"sqlite:///{path}")
    assert "the SQLite file does not exist. Run `portal migrate`" in line(report, "database")
    assert not path.exists()


async def test_doctor_wrong_platform_key_is_refused(deployment: Deployment) -> None:
    wrong = "smb-wrong-key-0000000000"
    report = await deployment.doctor(PLATFORM_API_KEY=wrong)
    found = line(report, "platform")
    assert found == (
        f"FAIL  platform: {deployment.env['PLATFORM_API_BASE']} refused PLATFORM_API_KEY. "
        "Check the key in the platform's team settings and PLATFORM_API_KEY."
    )
    assert_no_secrets(report, wrong)


async def test_doctor_closed_smtp_port_cannot_connect(deployment: Deployment) -> None:
    report = await deployment.doctor(SMTP_PORT=str(free_port()))
    found = line(report, "SMTP")
    assert found.startswith("FAIL  SMTP: cannot connect to 127.0.0.1:")
    assert "(ConnectionRefusedError)" in found
    assert "Check SMTP_HOST and SMTP_PORT" in found
    assert_no_secrets(report)


async def test_doctor_wrong_smtp_password_fails_the_login_without_showing_it(
    deployment: Deployment,
) -> None:
    wrong = "not-the-password-77"
    report = await deployment.doctor(SMTP_PASSWORD=wrong)
    found = line(report, "SMTP")
    assert "refused the login of mailer (535" in found
    assert found.endswith("Check SMTP_USER and SMTP_PASSWORD.")
    assert_no_secrets(report, wrong)


async def test_doctor_a_silent_service_costs_one_deadline(
    deployment: Deployment, sandbox: SandboxControl
) -> None:
    sandbox.fault(path="gettoken", delay_s=3)
    started = time.monotonic()
    report = await deployment.doctor(timeout=0.5)
    assert time.monotonic() - started < 2.5
    assert line(report, "gettoken").startswith("FAIL  gettoken: no usable answer from ")
    assert "(ReadTimeout)" in line(report, "gettoken")


def test_doctor_cli_prints_the_report_and_exits_non_zero(tmp_path: Path) -> None:
    from tests.test_cli import run_portal

    env = environ_for(f"sqlite:///{tmp_path}/p.db", WECOM_SECRET="")
    env = {key: value for key, value in env.items() if value}
    result = run_portal("doctor", env=env, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0].startswith("FAIL  settings: WECOM_SECRET is required")
    assert result.stderr == ""
