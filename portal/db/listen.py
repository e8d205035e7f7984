"""A dedicated PostgreSQL connection that LISTENs on one channel.

It is not taken from the `databases` pool: a pooled connection goes back to the pool between
queries and would stop listening. asyncpg calls `on_payload` on the event loop for each
NOTIFY; the owner watches `wait_lost` and reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from portal.db.database import DatabaseUnavailable

# Shows in pg_stat_activity, so an operator (or a test) can find the listeners.
APPLICATION_NAME = "portal-live"


def asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class ChannelListener:
    """One LISTEN connection; `connect` again after it is lost."""

    def __init__(self, url: str, channel: str, on_payload: Callable[[str], None]) -> None:
        self._dsn = asyncpg_dsn(url)
        self._channel = channel
        self._on_payload = on_payload
        self._conn: Any = None
        self._lost = asyncio.Event()

    async def connect(self, *, timeout: float = 5.0) -> None:
        """Open the connection and LISTEN; raises DatabaseUnavailable."""
        await self.close()
        self._lost = asyncio.Event()
        lost = self._lost
        try:
            conn = await asyncpg.connect(
                self._dsn, timeout=timeout, server_settings={"application_name": APPLICATION_NAME}
            )
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise DatabaseUnavailable(f"{type(exc).__name__}: {exc}") from exc
        conn.add_termination_listener(lambda _conn: lost.set())
        try:
            await conn.add_listener(self._channel, self._notified)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            conn.terminate()
            raise DatabaseUnavailable(f"{type(exc).__name__}: {exc}") from exc
        self._conn = conn

    def _notified(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        self._on_payload(payload)

    async def wait_lost(self, timeout: float) -> bool:
        """True once the connection is gone; False if it is still up after `timeout` seconds."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._lost.wait()
        return self._lost.is_set()

    async def ping(self, *, timeout: float = 5.0) -> None:
        """A round trip, so a silently dead network path shows up; raises DatabaseUnavailable."""
        try:
            await self._conn.fetchval("SELECT 1", timeout=timeout)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            self._lost.set()
            raise DatabaseUnavailable(f"{type(exc).__name__}: {exc}") from exc

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None or conn.is_closed():
            return
        try:
            async with asyncio.timeout(2):
                await conn.close()
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            conn.terminate()  # a dead peer: drop the socket without the goodbye
