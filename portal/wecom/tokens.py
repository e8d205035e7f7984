"""Access token and JS-SDK ticket cache: one refresh serves every task and every process.

The `TokenStore` protocol is what several processes share (memory here; the database store
lives in `portal.db.tokens`). `TokenManager` sits in front of it with a per-process cache and
does the single-flight refresh of wecom-api.md §1.3:

1. fresh in the process cache → use it;
2. otherwise, under the process's `asyncio.Lock` for the key, re-check the cache, then read
   the store;
3. still stale → take the store's cross-process `lock(key)`, re-read (another process may
   have refreshed meanwhile), and only then fetch from WeCom and write value + absolute
   expiry.

Invalidation after 40014/42001 is compare-and-swap (`delete_if`), so a worker holding a stale
token cannot delete the fresh one another worker has just stored.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple, Protocol

ACCESS_TOKEN = "access_token"
JSAPI_TICKET = "jsapi_ticket"
AGENT_CONFIG_TICKET = "agent_config_ticket"


class StoredToken(NamedTuple):
    value: str
    expires_at: datetime  # aware, UTC


class TokenStore(Protocol):
    """Shared storage for tokens; `lock` serialises refreshes of one key among all its users."""

    async def get(self, key: str) -> StoredToken | None: ...

    async def set(self, key: str, value: str, expires_at: datetime) -> None: ...

    async def delete_if(self, key: str, value: str) -> bool:
        """Delete `key` only while it still holds `value`; True when a row was deleted."""
        ...

    def lock(self, key: str) -> AbstractAsyncContextManager[None]: ...


class MemoryTokenStore:
    """A `TokenStore` for one process (tests, single-process demo)."""

    def __init__(self) -> None:
        self._values: dict[str, StoredToken] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, key: str) -> StoredToken | None:
        return self._values.get(key)

    async def set(self, key: str, value: str, expires_at: datetime) -> None:
        self._values[key] = StoredToken(value, expires_at)

    async def delete_if(self, key: str, value: str) -> bool:
        current = self._values.get(key)
        if current is None or current.value != value:
            return False
        del self._values[key]
        return True

    @asynccontextmanager
    async def lock(self, key: str) -> AsyncIterator[None]:
        async with self._locks.setdefault(key, asyncio.Lock()):
            yield


@dataclass(frozen=True)
class FetchedToken:
    """What WeCom returned: the value and its lifetime in seconds (`expires_in`)."""

    value: str
    expires_in: int


Fetcher = Callable[[], Awaitable[FetchedToken]]


@dataclass
class _Cached:
    value: str
    expires_at: float
    refresh_at: float


class TokenManager:
    """Hands out the access token and JS tickets of one app, refreshing each once, early.

    Keys are `{kind}:{corp_id}:{agent_id}`: WeCom tokens belong to an app, never to the corp
    alone. A value is used until `margin` seconds (plus a random share of `jitter`, so
    processes do not all come due at once) before its expiry; keep the margin well below
    the token lifetime (WeCom: `expires_in` 7200 s).
    """

    def __init__(
        self,
        store: TokenStore,
        *,
        corp_id: str,
        agent_id: int | str,
        margin: float = 300.0,
        jitter: float = 60.0,
        clock: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.store = store
        self.corp_id = corp_id
        self.agent_id = agent_id
        self.margin = margin
        self.jitter = jitter
        self._clock = clock
        self._rng = rng
        self._cache: dict[str, _Cached] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._fetchers: dict[str, Fetcher] = {}
        self._needs: dict[str, str] = {}
        self._dropped: dict[str, str] = {}

    def key(self, kind: str) -> str:
        return f"{kind}:{self.corp_id}:{self.agent_id}"

    def register(self, kind: str, fetcher: Fetcher, *, needs: str | None = None) -> None:
        """Say how to fetch tokens of `kind`; `needs` names a kind the fetcher itself uses.

        A needed kind is made fresh *before* taking the lock for `kind`, so a refresh never
        waits for another key's lock while holding its own (on SQLite both locks are the
        one database write lock).
        """
        self._fetchers[kind] = fetcher
        if needs is not None:
            self._needs[kind] = needs

    async def access_token(self) -> str:
        return await self.get(ACCESS_TOKEN)

    async def jsapi_ticket(self) -> str:
        """The corp ticket for `wx.config`."""
        return await self.get(JSAPI_TICKET)

    async def agent_config_ticket(self) -> str:
        """The app ticket for `wx.agentConfig`."""
        return await self.get(AGENT_CONFIG_TICKET)

    async def get(self, kind: str) -> str:
        """A usable value of `kind`, fetched at most once across all tasks and processes."""
        cached = self._cache.get(kind)
        if cached is not None and self._clock() < cached.refresh_at:
            return cached.value
        async with self._locks.setdefault(kind, asyncio.Lock()):
            cached = self._cache.get(kind)
            if cached is not None and self._clock() < cached.refresh_at:
                return cached.value
            return await self._load(kind)

    async def invalidate(self, kind: str, value: str) -> bool:
        """Forget `value` after WeCom rejected it (a newer one stays); True if the store had it."""
        # Under the same lock as loading, so no task re-caches `value` from the store
        # between our drop and the store's delete.
        async with self._locks.setdefault(kind, asyncio.Lock()):
            cached = self._cache.get(kind)
            if cached is not None and cached.value == value:
                del self._cache[kind]
            if self._dropped.get(kind) == value:
                return False  # another task of this process already dropped it
            self._dropped[kind] = value
            return await self.store.delete_if(self.key(kind), value)

    async def _load(self, kind: str) -> str:
        key = self.key(kind)
        stored = await self.store.get(key)
        if stored is not None and self._usable(stored):
            return self._remember(kind, stored)
        if kind in self._needs:
            await self.get(self._needs[kind])
        async with self.store.lock(key):
            # Double-checked: another process may have refreshed while we waited for the lock.
            stored = await self.store.get(key)
            if stored is not None and self._usable(stored):
                return self._remember(kind, stored)
            fetcher = self._fetchers.get(kind)
            if fetcher is None:
                raise LookupError(f"no fetcher registered for {kind!r}")
            started = self._clock()
            fetched = await fetcher()
            # Count the lifetime from before the request: the token may be older than its answer.
            expires_at = datetime.fromtimestamp(started + fetched.expires_in, UTC)
            await self.store.set(key, fetched.value, expires_at)
            return self._remember(kind, StoredToken(fetched.value, expires_at))

    def _usable(self, stored: StoredToken) -> bool:
        return self._clock() < stored.expires_at.timestamp() - self._lead()

    def _lead(self) -> float:
        return self.margin + self.jitter * self._rng()

    def _remember(self, kind: str, stored: StoredToken) -> str:
        expires_at = stored.expires_at.timestamp()
        self._cache[kind] = _Cached(stored.value, expires_at, expires_at - self._lead())
        return stored.value
