"""WeCom tokens in the database, so one refresh serves every process (wecom-api.md §1.3).

`lock(key)` opens a transaction and holds it while the caller re-reads, fetches and writes:
on PostgreSQL a transaction-scoped advisory lock on the key, on SQLite the database's write
lock (taken first thing by `Database.transaction()`). `databases` gives each asyncio task
its own connection, so the re-read and the write inside the lock run on the locked
connection as long as they run in the same task.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import sqlalchemy as sa

from portal.db.database import Database, upsert
from portal.db.tables import wecom_tokens
from portal.db.types import aware_utc
from portal.wecom.tokens import StoredToken

_ADVISORY_LOCK = sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))")


class DatabaseTokenStore:
    """A `portal.wecom.tokens.TokenStore` on the `wecom_tokens` table."""

    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock

    async def get(self, key: str) -> StoredToken | None:
        query = sa.select(wecom_tokens.c.value, wecom_tokens.c.expires_at).where(
            wecom_tokens.c.key == key
        )
        row = await self._db.fetch_one(query)
        if row is None:
            return None
        return StoredToken(row["value"], aware_utc(row["expires_at"]))

    async def set(self, key: str, value: str, expires_at: datetime) -> None:
        now = datetime.fromtimestamp(self._clock(), UTC)
        values = {"key": key, "value": value, "expires_at": expires_at, "updated_at": now}
        stmt = upsert(self._db, wecom_tokens).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[wecom_tokens.c.key],
            set_={"value": value, "expires_at": expires_at, "updated_at": now},
        )
        await self._db.execute(stmt)

    async def delete_if(self, key: str, value: str) -> bool:
        stmt = (
            sa.delete(wecom_tokens)
            .where(wecom_tokens.c.key == key, wecom_tokens.c.value == value)
            .returning(wecom_tokens.c.key)
        )
        return await self._db.fetch_one(stmt) is not None

    @asynccontextmanager
    async def lock(self, key: str) -> AsyncIterator[None]:
        async with self._db.transaction():
            if self._db.is_postgres:
                await self._db.fetch_val(_ADVISORY_LOCK.bindparams(key=key))
            yield
