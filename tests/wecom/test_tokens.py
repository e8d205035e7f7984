"""TokenManager on the memory store: single flight, early refresh, compare-and-swap."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from portal.clock import FrozenClock
from portal.wecom.tokens import (
    ACCESS_TOKEN,
    JSAPI_TICKET,
    FetchedToken,
    MemoryTokenStore,
    TokenManager,
)


class Fetcher:
    """Counts fetches; each returns a new value with the given lifetime."""

    def __init__(self, expires_in: int = 7200, delay: float = 0.01) -> None:
        self.calls = 0
        self.expires_in = expires_in
        self.delay = delay

    async def __call__(self) -> FetchedToken:
        self.calls += 1
        await asyncio.sleep(self.delay)
        return FetchedToken(f"token-{self.calls}", self.expires_in)


def manager(
    store: MemoryTokenStore, clock: FrozenClock, fetcher: Fetcher, *, agent_id: int = 1000002
) -> TokenManager:
    tokens = TokenManager(
        store, corp_id="wwcorp", agent_id=agent_id, margin=300, jitter=60, clock=clock.timestamp
    )
    tokens.register(ACCESS_TOKEN, fetcher)
    return tokens


async def test_token_manager_concurrent_gets_fetch_once(clock: FrozenClock) -> None:
    fetcher = Fetcher()
    tokens = manager(MemoryTokenStore(), clock, fetcher)
    values = await asyncio.gather(*(tokens.access_token() for _ in range(100)))
    assert set(values) == {"token-1"}
    assert fetcher.calls == 1


async def test_token_manager_key_names_corp_and_app(clock: FrozenClock) -> None:
    store = MemoryTokenStore()
    tokens = manager(store, clock, Fetcher())
    await tokens.access_token()
    assert tokens.key(ACCESS_TOKEN) == "access_token:wwcorp:1000002"
    assert await store.get("access_token:wwcorp:1000002") is not None


async def test_token_manager_two_apps_same_store_get_own_tokens(clock: FrozenClock) -> None:
    store = MemoryTokenStore()
    first, second = Fetcher(), Fetcher()
    app_a = manager(store, clock, first, agent_id=1)
    app_b = manager(store, clock, second, agent_id=2)
    await app_a.access_token()
    await app_b.access_token()
    assert (first.calls, second.calls) == (1, 1)


async def test_token_manager_expiry_uses_expires_in(clock: FrozenClock) -> None:
    store = MemoryTokenStore()
    await manager(store, clock, Fetcher(expires_in=3600)).access_token()
    stored = await store.get("access_token:wwcorp:1000002")
    assert stored is not None
    assert stored.expires_at == clock.now() + timedelta(seconds=3600)


@pytest.mark.parametrize(
    ("elapsed", "fetches"),
    [
        (7200 - 361, 1),  # more than margin + jitter left: keep it
        (7200 - 299, 2),  # inside the margin: refresh early
        (7200 + 10, 2),  # expired: refresh
    ],
)
async def test_token_manager_refreshes_within_margin(
    clock: FrozenClock, elapsed: float, fetches: int
) -> None:
    fetcher = Fetcher()
    tokens = manager(MemoryTokenStore(), clock, fetcher)
    await tokens.access_token()
    clock.advance(elapsed)
    await tokens.access_token()
    assert fetcher.calls == fetches


async def test_token_manager_uses_token_stored_by_another_process(clock: FrozenClock) -> None:
    store = MemoryTokenStore()
    other, mine = Fetcher(), Fetcher()
    await manager(store, clock, other).access_token()
    assert await manager(store, clock, mine).access_token() == "token-1"
    assert mine.calls == 0


async def test_token_manager_invalidate_stale_value_keeps_newer_token(
    clock: FrozenClock,
) -> None:
    store = MemoryTokenStore()
    fetcher = Fetcher()
    worker_a = manager(store, clock, fetcher)
    worker_b = manager(store, clock, fetcher)
    stale = await worker_a.access_token()
    assert await worker_a.invalidate(ACCESS_TOKEN, stale) is True
    fresh = await worker_a.access_token()
    # worker B still reports the old token as bad: it must not delete the fresh one.
    assert await worker_b.invalidate(ACCESS_TOKEN, stale) is False
    assert await worker_b.access_token() == fresh
    assert fetcher.calls == 2


async def test_token_manager_failed_fetch_raises_and_next_call_retries(
    clock: FrozenClock,
) -> None:
    calls = 0

    async def flaky() -> FetchedToken:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("boom")
        return FetchedToken("ok", 7200)

    tokens = TokenManager(MemoryTokenStore(), corp_id="c", agent_id=1, clock=clock.timestamp)
    tokens.register(ACCESS_TOKEN, flaky)
    with pytest.raises(RuntimeError):
        await tokens.access_token()
    assert await tokens.access_token() == "ok"


async def test_token_manager_ticket_warms_needed_token_before_its_lock(
    clock: FrozenClock,
) -> None:
    order: list[str] = []
    store = MemoryTokenStore()
    tokens = TokenManager(store, corp_id="c", agent_id=1, clock=clock.timestamp)

    async def access() -> FetchedToken:
        order.append("access")
        return FetchedToken("at", 7200)

    async def ticket() -> FetchedToken:
        order.append(f"ticket(with {await tokens.access_token()})")
        return FetchedToken("tk", 7200)

    tokens.register(ACCESS_TOKEN, access)
    tokens.register(JSAPI_TICKET, ticket, needs=ACCESS_TOKEN)
    assert await tokens.jsapi_ticket() == "tk"
    assert order == ["access", "ticket(with at)"]


async def test_token_manager_unregistered_kind_raises_lookup_error(clock: FrozenClock) -> None:
    tokens = TokenManager(MemoryTokenStore(), corp_id="c", agent_id=1, clock=clock.timestamp)
    with pytest.raises(LookupError):
        await tokens.agent_config_ticket()


async def test_memory_store_delete_if_compares_value(clock: FrozenClock) -> None:
    store = MemoryTokenStore()
    when = clock.now() + timedelta(hours=2)
    await store.set("k", "v1", when)
    assert await store.delete_if("k", "v0") is False
    assert await store.delete_if("k", "v1") is True
    assert await store.get("k") is None
