"""Apply the Alembic migrations programmatically (used by `portal migrate`, the demo and tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

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
