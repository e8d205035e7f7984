"""Fixtures for the many-machines tests (issue 17): real `portal` processes on PostgreSQL.

- `database_url`: the session's PostgreSQL database (migrated by `postgres_url`), emptied for
  this test. PostgreSQL only: skipped without a server, a failure under CI=true.
- `sandbox`: the WeCom sandbox over loopback on the machine's clock, which the processes run
  on; seed data with `now=SYSTEM_CLOCK.now()` (`tests.factories`).
- `pg`: a `Database` on that URL, for seeding and checking.
- `cluster`: start web instances and workers (`tests.cluster.nodes.Cluster`); all of them
  stop at the end, and a failing test's report ends with what each one logged.
- `browser`, `page_factory`: the browser tests' Chromium (`tests/browser/conftest.py`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path

import pytest

from portal.db.database import Database
from portal.wecom.sandbox import SandboxConfig
from tests.browser.conftest import browser, page_factory  # noqa: F401 (fixtures, found by name)
from tests.cluster.nodes import Cluster
from tests.live.processes import sandbox_on_machine_clock
from tests.support import databases
from tests.support.sandbox import AppSwitch, SandboxControl

CLUSTER = pytest.StashKey[Cluster]()


@pytest.fixture
def sandbox(
    _wecom_server: tuple[AppSwitch, str], wecom_config: SandboxConfig
) -> Iterator[SandboxControl]:
    """The `portal` processes run on the machine's clock, and so does the sandbox."""
    with sandbox_on_machine_clock(_wecom_server, wecom_config) as control:
        yield control


@pytest.fixture
def database_url(postgres_url: str) -> str:
    databases.truncate_postgres(postgres_url)
    return postgres_url


@pytest.fixture
async def pg(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    await db.connect()
    yield db
    await db.disconnect()


@pytest.fixture
def cluster(
    request: pytest.FixtureRequest, database_url: str, sandbox: SandboxControl, tmp_path: Path
) -> Iterator[Cluster]:
    running = Cluster(database_url, sandbox.base_url, tmp_path)
    request.node.stash[CLUSTER] = running
    try:
        yield running
    finally:
        running.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed test's report shows what each of its processes logged."""
    report = yield
    running = item.stash.get(CLUSTER, None)
    if running is not None and report.failed:
        report.sections.append(("portal processes", running.logs()))
    return report
