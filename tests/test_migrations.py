from __future__ import annotations

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.migrate import alembic_config
from portal.db.tables import metadata


async def test_migrations_create_every_declared_table(db: Database) -> None:
    if db.is_postgres:
        query = "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'table'"
    names = {row["name"] for row in await db.fetch_all(query)}
    assert set(metadata.tables) <= names


async def test_migrations_match_table_definitions(db_url: str) -> None:
    """Autogenerate finds no difference between the migrated schema and tables.py."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy.ext.asyncio import create_async_engine

    from portal.db.urls import async_driver_url

    engine = create_async_engine(async_driver_url(db_url))

    def diff(sync_conn: sa.Connection) -> list[object]:
        context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    try:
        async with engine.connect() as conn:
            differences = await conn.run_sync(diff)
    finally:
        await engine.dispose()
    assert differences == []
    assert alembic_config(db_url).get_main_option("script_location")


async def test_timestamps_round_trip_as_aware_utc(db: Database) -> None:
    from datetime import UTC, datetime, time, timedelta, timezone

    from portal.db.tables import wecom_tokens
    from tests.support.when import NOW, local_day

    shanghai = timezone(timedelta(hours=8))
    local = datetime.combine(local_day(NOW, 1), time(14), tzinfo=shanghai)  # 06:00 UTC
    await db.execute(
        wecom_tokens.insert().values(key="k", value="v", expires_at=local, updated_at=local)
    )
    row = await db.fetch_one(sa.select(wecom_tokens.c.expires_at))
    assert row is not None
    assert row["expires_at"] == local
    assert row["expires_at"].utcoffset() == timedelta(0)
    assert row["expires_at"].tzinfo is not None and row["expires_at"].astimezone(UTC).hour == 6
