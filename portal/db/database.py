"""The one place that talks to `databases`: connect, query, transactions, health.

Everything outside `portal/db/` sees this wrapper and the dataclasses the query modules
return, never a driver record.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import asyncpg
import databases
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import ClauseElement

from portal.db.urls import async_driver_url, is_postgres, parse

log = logging.getLogger(__name__)

Row = Mapping[str, Any]
Values = dict[str, Any] | None

# A statement that takes SQLite's write lock without touching data. Taken first in a write
# transaction, so two writers queue on busy_timeout instead of deadlocking on lock upgrade.
_SQLITE_WRITE_LOCK = "UPDATE wecom_tokens SET key = key WHERE 0"


# What a lost or silent server looks like from the driver: refused, reset, timed out, closed.
# Constraint violations and bad SQL are not among them; they stay the caller's errors.
_UNREACHABLE = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
)


class DatabaseUnavailable(Exception):
    """The database could not be reached."""


class Database:
    """An async database handle for PostgreSQL (asyncpg) or SQLite (aiosqlite).

    `connect_timeout` bounds opening a connection, `query_timeout` one statement (PostgreSQL);
    a server that accepts connections but never answers costs at most those, then
    `DatabaseUnavailable`, which pages show as the 503 "service unreachable" page.
    """

    def __init__(
        self,
        url: str,
        *,
        min_size: int = 1,
        max_size: int = 10,
        connect_timeout: float = 3.0,
        query_timeout: float = 15.0,
    ) -> None:
        self.url = url
        self.is_postgres = is_postgres(url)
        self.connect_timeout = connect_timeout
        options: dict[str, Any] = (
            {
                "min_size": min_size,
                "max_size": max_size,
                "timeout": connect_timeout,
                "command_timeout": query_timeout,
            }
            if self.is_postgres
            else {"timeout": 15}  # SQLite's busy timeout: how long a writer queues for the lock
        )
        self._db = databases.Database(async_driver_url(url), **options)
        self._connecting = asyncio.Lock()

    @property
    def dialect_name(self) -> str:
        return "postgresql" if self.is_postgres else "sqlite"

    async def connect(self) -> None:
        if not self.is_postgres:
            _prepare_sqlite_file(self.url)
        try:
            async with asyncio.timeout(self.connect_timeout + 1):  # DNS and pool set-up too
                await self._db.connect()
        except Exception as exc:  # refused, timed out, no such database, bad password...
            raise DatabaseUnavailable(f"{type(exc).__name__}: {exc}") from exc

    async def _ready(self) -> None:
        """Connect if the start-up connect failed, so a database that comes back is used."""
        if self._db.is_connected:
            return
        async with self._connecting:  # one attempt at a time, not one per waiting request
            if not self._db.is_connected:
                await self.connect()

    async def disconnect(self) -> None:
        if self._db.is_connected:
            await self._db.disconnect()

    @property
    def is_connected(self) -> bool:
        return bool(self._db.is_connected)

    async def ping(self, *, timeout: float | None = None) -> bool:
        """True when a trivial query succeeds within `timeout`; connects lazily so a late
        database recovers. Never raises."""
        try:
            async with asyncio.timeout(timeout):
                await self.fetch_val("SELECT 1")
        except Exception as exc:  # any driver error means "not healthy"; report, don't raise
            log.warning("database ping failed: %s", type(exc).__name__)
            return False
        return True

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """A write transaction; nested calls become savepoints."""
        await self._ready()
        transaction = self._db.transaction()
        try:
            await transaction.start()
        except _UNREACHABLE as exc:  # only the BEGIN: errors of the body are the caller's
            raise DatabaseUnavailable(f"{type(exc).__name__}: {exc}") from exc
        try:
            if not self.is_postgres:
                await self.execute(_SQLITE_WRITE_LOCK)
            yield
        except BaseException:
            await transaction.rollback()
            raise
        await transaction.commit()

    async def fetch_one(self, query: ClauseElement | str, values: Values = None) -> Row | None:
        await self._ready()
        with _reached():
            row = await self._db.fetch_one(query, values)
        return None if row is None else _decoded(row)

    async def fetch_all(self, query: ClauseElement | str, values: Values = None) -> Sequence[Row]:
        await self._ready()
        with _reached():
            rows = await self._db.fetch_all(query, values)
        return [_decoded(row) for row in rows]

    async def fetch_val(self, query: ClauseElement | str, values: Values = None) -> Any:
        await self._ready()
        with _reached():
            return await self._db.fetch_val(query, values)

    async def execute(self, query: ClauseElement | str, values: Values = None) -> Any:
        """Run a statement; for an INSERT, returns the new primary key."""
        await self._ready()
        with _reached():
            return await self._db.execute(query, values)

    async def execute_many(self, query: ClauseElement | str, values: list[dict[str, Any]]) -> None:
        await self._ready()
        with _reached():
            await self._db.execute_many(query, values)


@contextmanager
def _reached() -> Iterator[None]:
    """A lost connection or a statement past its timeout becomes `DatabaseUnavailable`."""
    try:
        yield
    except _UNREACHABLE as exc:
        raise DatabaseUnavailable(f"{type(exc).__name__}: {exc}") from exc


def _decoded(row: Any) -> Row:
    """The row with each column's result processing applied (JSON decoded on PostgreSQL).

    `databases` applies column types only on item access, not through `_mapping`.
    """
    return {key: row[key] for key in row._mapping.keys()}


def _prepare_sqlite_file(url: str) -> None:
    """WAL lets readers run beside the writer; it is a property of the file, so set it once."""
    path = parse(url).database
    if not path or path == ":memory:":
        return
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")


def upsert(db: Database, table: sa.Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that can take `ON CONFLICT` (`on_conflict_do_nothing` / `_do_update`), in the
    database's own dialect: two writers racing on one key insert once."""
    return postgresql.insert(table) if db.is_postgres else sqlite.insert(table)
