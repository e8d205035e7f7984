"""Apply the Alembic migrations programmatically (used by `portal migrate`, the demo and tests),
and tell how far a database is behind them (`portal doctor`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config

if TYPE_CHECKING:
    from portal.db.database import Database

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Stored on the attributes, not in the ini options, so '%' in a password is harmless.
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema at `database_url` up to `revision`; a no-op when already there."""
    command.upgrade(alembic_config(database_url), revision)


def current_revision(database_url: str) -> str | None:
    """The revision the database is at, or None before the first migration."""
    import asyncio

    from sqlalchemy.ext.asyncio import create_async_engine

    from portal.db.urls import async_driver_url

    async def read() -> str | None:
        engine = create_async_engine(async_driver_url(database_url))
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(_revision_of)
        finally:
            await engine.dispose()

    return asyncio.run(read())


def _revision_of(sync_conn: object) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(sync_conn).get_current_revision()  # type: ignore[arg-type]


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database's schema stands against the migrations in this checkout."""

    current: tuple[str, ...]  # the database's revisions; empty before the first migration
    heads: tuple[str, ...]  # the newest revisions of migrations/
    behind: int  # migrations `portal migrate` would apply
    unknown: tuple[str, ...]  # revisions this code does not have (newer code migrated it)


def schema_status(current: Sequence[str]) -> SchemaStatus:
    """Compare the database's revisions with the heads of migrations/ (reads no database)."""
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    script = ScriptDirectory.from_config(alembic_config(""))
    known: list[str] = []
    unknown: list[str] = []
    for revision in current:
        try:
            found = script.get_revision(revision)
        except CommandError:
            found = None
        (known if found is not None else unknown).append(revision)
    lower = known[0] if len(known) == 1 else "base"
    behind = 0 if unknown else len(list(script.iterate_revisions("heads", lower)))
    return SchemaStatus(tuple(current), tuple(script.get_heads()), behind, tuple(unknown))


async def stored_revisions(db: Database) -> tuple[str, ...]:
    """The revisions recorded in the database (alembic_version); empty when it has none."""
    if db.is_postgres:
        exists = "SELECT to_regclass('alembic_version') IS NOT NULL"
    else:
        exists = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'alembic_version'"
    if not await db.fetch_val(exists):
        return ()
    rows = await db.fetch_all("SELECT version_num FROM alembic_version ORDER BY version_num")
    return tuple(str(row["version_num"]) for row in rows)
