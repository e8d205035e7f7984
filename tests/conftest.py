"""Fixture chain: database URL (SQLite and PostgreSQL) -> settings -> app -> client.

- `db_url` is parametrised over both databases; every test that uses it (directly or via
  `settings`, `app`, `client`, `db`) runs on each. Each test starts from a freshly migrated,
  empty schema. `sqlite_url` is for tests that need a database but not both.
- PostgreSQL comes from PORTAL_TEST_POSTGRES_URL (default postgresql://root@127.0.0.1:5432/test):
  one uniquely named database per run, migrated, dropped at the end. When the server is
  unreachable its cases are skipped loudly, except under CI=true, where that fails the run.
- `make_settings(database_url, **env)` builds Settings from an explicit environment.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from portal.app import create_app
from portal.db.database import Database
from portal.settings import Settings, load_settings
from tests.support import databases

TEST_SECRET_KEY = "test-secret-key-0123456789-abcdefghijklmnop"
TEST_AES_KEY = "k" * 43

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


def environ_for(database_url: str, **overrides: str) -> dict[str, str]:
    environ = {
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_SECRET_KEY": TEST_SECRET_KEY,
        "PORTAL_BASE_URL": "http://testserver",
        "WECOM_CORP_ID": "wwtestcorp00000001",
        "WECOM_AGENT_ID": "1000002",
        "WECOM_SECRET": "test-wecom-secret",
        "WECOM_CALLBACK_TOKEN": "testCallbackToken",
        "WECOM_CALLBACK_AES_KEY": TEST_AES_KEY,
        "WECOM_API_BASE": "http://127.0.0.1:9",
    }
    environ.update(overrides)
    return environ


@pytest.fixture
def make_settings() -> SettingsFactory:
    def factory(database_url: str, **overrides: str) -> Settings:
        return load_settings(environ_for(database_url, **overrides), env_file=None)

    return factory


@pytest.fixture
def settings(make_settings: SettingsFactory, db_url: str) -> Settings:
    return make_settings(db_url)


@pytest.fixture
def app(settings: Settings) -> Starlette:
    return create_app(settings)


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
                if f"[{database}" in nodeid or f"-{database}]" in nodeid or f"-{database}-" in nodeid:
                    counts.setdefault(database, {}).setdefault(outcome, 0)
                    counts[database][outcome] += 1
    if counts:
        terminalreporter.section("database coverage")
        for database, by_outcome in sorted(counts.items()):
            summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(by_outcome.items()))
            terminalreporter.write_line(f"{database}: {summary}")
