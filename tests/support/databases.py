"""Test databases: a migrated SQLite template copied per test, a PostgreSQL database per run."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from portal.db.migrate import upgrade
from portal.db.tables import metadata

DEFAULT_POSTGRES_URL = "postgresql://root@127.0.0.1:5432/test"


def postgres_admin_url() -> str:
    return os.environ.get("PORTAL_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _pg(url: str, *statements: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(url), timeout=5)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


def postgres_unreachable_reason() -> str | None:
    """None when the test server answers, else why not."""
    try:
        asyncio.run(_pg(postgres_admin_url(), "SELECT 1"))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"PostgreSQL at {postgres_admin_url()} is unreachable: {exc!r}"
    return None


@contextmanager
def postgres_database() -> Iterator[str]:
    """A uniquely named, migrated database for this test run; dropped at the end."""
    admin = postgres_admin_url()
    name = f"portal_test_{os.getpid()}_{secrets.token_hex(4)}"
    asyncio.run(_pg(admin, f'CREATE DATABASE "{name}"'))
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(_pg(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def truncate_postgres(url: str) -> None:
    """Empty every table so each test starts from the migrated, empty schema."""
    tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    asyncio.run(_pg(url, f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@contextmanager
def sqlite_template(directory: Path) -> Iterator[Path]:
    path = directory / "template.db"
    upgrade(f"sqlite:///{path}")
    yield path


def sqlite_copy(template: Path, directory: Path) -> str:
    target = directory / "portal.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"
