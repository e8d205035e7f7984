"""Fixture chain: database URL (SQLite and PostgreSQL) -> settings -> app -> client.

- `db_url` is parametrised over both databases; every test that uses it (directly or via
  `settings`, `app`, `client`, `db`) runs on each. Each test starts from a freshly migrated,
  empty schema. `sqlite_url` is for tests that need a database but not both.
- PostgreSQL comes from PORTAL_TEST_POSTGRES_URL (default postgresql://root@127.0.0.1:5432/test):
  one uniquely named database per run, migrated, dropped at the end. When the server is
  unreachable its cases are skipped loudly, except under CI=true, where that fails the run.
- `make_settings(database_url, **env)` builds Settings from an explicit environment.
- `platform`: the interview-platform sandbox over loopback HTTP (`PlatformControl`), with
  `platform_config`, `platform_clock` and `platform_client`.
- `clock`: the portal's one clock, frozen at `tests.support.when.NOW` (a Tuesday 10:00 in
  Shanghai, a day or more after the real clock). The app, the WeCom client and the sandbox
  all read it; tests move it with `clock.set` / `clock.advance`, never by patching.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from portal.app import create_app
from portal.clock import FrozenClock
from portal.db.database import Database
from portal.platform import PlatformClient
from portal.platform.sandbox import PlatformSandboxConfig
from portal.settings import Settings, load_settings
from portal.wecom import sandbox as demo
from portal.wecom.sandbox import SandboxConfig
from tests.factories import World, make_world
from tests.support import databases
from tests.support.keys import TEST_SECRET_KEY
from tests.support.platform import PlatformControl, demo_client, platform_server
from tests.support.sandbox import AppSwitch, SandboxControl, sandbox_server
from tests.support.when import NOW

SettingsFactory = Callable[..., Settings]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    reason = databases.postgres_unreachable_reason()
    if reason:
        if in_ci():
            pytest.fail(f"{reason} (CI requires PostgreSQL)")
        pytest.skip(f"SKIPPING POSTGRESQL TESTS: {reason}")
    with databases.postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with databases.sqlite_template(tmp_path_factory.mktemp("sqlite-template")) as path:
        yield path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    return databases.sqlite_copy(sqlite_template, tmp_path)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        url: str = request.getfixturevalue("sqlite_url")
        return url
    url = request.getfixturevalue("postgres_url")
    databases.truncate_postgres(url)
    return url


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    await database.connect()
    try:
        yield database
    finally:
        await database.disconnect()


def environ_for(
    database_url: str, wecom_base: str = "http://127.0.0.1:9", **overrides: str
) -> dict[str, str]:
    """A complete environment for the demo corp, with WeCom at `wecom_base` (the sandbox)."""
    environ = {
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_SECRET_KEY": TEST_SECRET_KEY,
        "PORTAL_BASE_URL": "http://testserver",
        "PORTAL_ADMINS": demo.DEMO_ADMIN_USERID,
        "PORTAL_HR_DEPARTMENTS": str(demo.DEMO_HR_DEPARTMENT_ID),
        "WECOM_CORP_ID": demo.DEMO_CORP_ID,
        "WECOM_AGENT_ID": str(demo.DEMO_AGENT_ID),
        "WECOM_SECRET": demo.DEMO_SECRET,
        "WECOM_CALLBACK_TOKEN": demo.DEMO_CALLBACK_TOKEN,
        "WECOM_CALLBACK_AES_KEY": demo.DEMO_CALLBACK_AES_KEY,
        "WECOM_API_BASE": wecom_base,
        "WECOM_OAUTH_BASE": wecom_base,
        "WECOM_WEB_LOGIN_BASE": wecom_base,
    }
    environ.update(overrides)
    return environ


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture(scope="session")
def _wecom_server() -> Iterator[tuple[AppSwitch, str]]:
    with sandbox_server() as server:
        yield server


@pytest.fixture
def wecom_config() -> SandboxConfig:
    """The sandbox's corp for this test; override in a module to change the organisation."""
    return SandboxConfig()


@pytest.fixture
def sandbox(
    _wecom_server: tuple[AppSwitch, str], wecom_config: SandboxConfig, clock: FrozenClock
) -> Iterator[SandboxControl]:
    """A fresh WeCom sandbox for this test, over real HTTP on loopback, and its control API.

    It runs on the test's clock, so tokens, signatures and caps agree with the portal's time.
    """
    switch, url = _wecom_server
    control = SandboxControl(url)
    control.install(switch, wecom_config, clock=clock.timestamp)
    yield control
    control.close()
    switch.app = None


@pytest.fixture(scope="session")
def _platform_server() -> Iterator[tuple[AppSwitch, str]]:
    with platform_server() as server:
        yield server


@pytest.fixture
def platform_config() -> PlatformSandboxConfig:
    """The platform sandbox for this test; override in a module (keep `retry_scale` small)."""
    return PlatformSandboxConfig(retry_scale=0.01)


@pytest.fixture
def platform_clock(clock: FrozenClock) -> Callable[[], float]:
    """The platform sandbox's clock: the test's frozen `clock` unless a module overrides it."""
    return clock.timestamp


@pytest.fixture
def platform(
    _platform_server: tuple[AppSwitch, str],
    platform_config: PlatformSandboxConfig,
    platform_clock: Callable[[], float],
) -> Iterator[PlatformControl]:
    """A fresh interview-platform sandbox over real HTTP on loopback, and its control API.

    `platform.base_url` is a client's `api_base`; webhook retries are scaled down 100x.
    """
    switch, url = _platform_server
    control = PlatformControl(url)
    control.install(switch, platform_config, clock=platform_clock)
    yield control
    control.reset()  # cancels webhook deliveries still in flight
    control.close()
    switch.app = None


@pytest.fixture
async def platform_client(platform: PlatformControl) -> AsyncIterator[PlatformClient]:
    """A `PlatformClient` for the sandbox's demo team, fast retries and short timeouts."""
    async with demo_client(platform.base_url) as client:
        yield client


@pytest.fixture
def make_settings(sandbox: SandboxControl) -> SettingsFactory:
    def factory(database_url: str, **overrides: str) -> Settings:
        return load_settings(
            environ_for(database_url, sandbox.base_url, **overrides), env_file=None
        )

    return factory


@pytest.fixture
def settings(make_settings: SettingsFactory, db_url: str) -> Settings:
    return make_settings(db_url)


@pytest.fixture
def app(settings: Settings, clock: FrozenClock) -> Starlette:
    return create_app(settings, clock=clock)


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", follow_redirects=False
        ) as http:
            yield http


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Show that the database tests really ran on both databases."""
    counts: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            if getattr(report, "when", "call") not in {"call", "setup"}:
                continue
            if outcome == "passed" and report.when != "call":
                continue
            for database in ("sqlite", "postgresql"):
                if (
                    f"[{database}" in nodeid
                    or f"-{database}]" in nodeid
                    or f"-{database}-" in nodeid
                ):
                    counts.setdefault(database, {}).setdefault(outcome, 0)
                    counts[database][outcome] += 1
    if counts:
        terminalreporter.section("database coverage")
        for database, by_outcome in sorted(counts.items()):
            summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(by_outcome.items()))
            terminalreporter.write_line(f"{database}: {summary}")


class Auth:
    """Signs a test client in through the real flow: /login/wecom → sandbox code → callback."""

    def __init__(self, client: httpx.AsyncClient, sandbox: SandboxControl) -> None:
        self.client = client
        self.sandbox = sandbox

    async def start(self) -> str:
        """Begin a web login; returns the state the portal bound to the session."""
        response = await self.client.get("/login/wecom")
        assert response.status_code == 303, response.text
        return parse_qs(urlsplit(response.headers["location"]).query)["state"][0]

    async def login_as(self, userid: str) -> httpx.Response:
        state = await self.start()
        code = self.sandbox.code_for(userid)
        response = await self.client.get("/auth/callback", params={"code": code, "state": state})
        assert response.status_code == 303, response.text
        return response

    async def csrf_token(self) -> str:
        page = await self.client.get("/")
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert match, "no CSRF token on the start page"
        return match.group(1)

    async def logout(self) -> None:
        await self.client.post("/logout", data={"csrf_token": await self.csrf_token()})


@pytest.fixture
def auth(client: httpx.AsyncClient, sandbox: SandboxControl) -> Auth:
    return Auth(client, sandbox)


@pytest.fixture
async def world(db: Database) -> World:
    """The usual staff, a position and a candidate (`tests.factories.make_world`)."""
    return await make_world(db)


@pytest.fixture
async def hr(client: httpx.AsyncClient, auth: Auth, world: World) -> Auth:
    """Signed in as the world's HR coordinator (liuyang)."""
    await auth.login_as("liuyang")
    return auth


@pytest.fixture
async def interviewer(client: httpx.AsyncClient, auth: Auth, world: World) -> Auth:
    """Signed in as one of the world's interviewers (lina)."""
    await auth.login_as("lina")
    return auth
