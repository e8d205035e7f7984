"""LISTEN/NOTIFY across two broadcasters, as two app processes on one PostgreSQL would run."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from portal.db.database import Database
from portal.db.listen import APPLICATION_NAME
from portal.live import LiveEvent, PostgresBroadcaster, Published, Subscription
from tests.support import databases


@dataclass(frozen=True)
class Instance:
    """What one app process has: its own database pool and its own broadcaster."""

    db: Database
    live: PostgresBroadcaster


@pytest.fixture
def empty_postgres(postgres_url: str) -> str:
    databases.truncate_postgres(postgres_url)
    return postgres_url


@pytest.fixture
async def pair(empty_postgres: str) -> AsyncIterator[tuple[Instance, Instance]]:
    instances = []
    for _ in range(2):
        db = Database(empty_postgres)
        await db.connect()
        live = PostgresBroadcaster(db, backoff=(0.05, 0.2))
        await live.start()
        assert live.listening.is_set()
        instances.append(Instance(db, live))
    yield instances[0], instances[1]
    for instance in instances:
        await instance.live.close()
        await instance.db.disconnect()


async def collect(subscription: Subscription, count: int) -> list[Published]:
    items: list[Published] = []
    async with asyncio.timeout(5):
        while len(items) < count:
            items.extend(await subscription.next_batch(5) or [])
    return items


async def test_postgres_publish_reaches_subscribers_of_both_processes(
    pair: tuple[Instance, Instance],
) -> None:
    one, two = pair
    async with one.live.subscribe() as here, two.live.subscribe() as there:
        await one.live.publish(LiveEvent(11, "status", 4))
        await two.live.publish(LiveEvent(12, "rsvp"))
        expected = [Published(1, 11, "status"), Published(2, 12, "rsvp")]
        assert await collect(here, 2) == expected
        assert await collect(there, 2) == expected


async def test_postgres_lost_listener_reconnects_and_resets_subscribers(
    pair: tuple[Instance, Instance],
) -> None:
    one, two = pair
    async with two.live.subscribe() as before:
        # Kill every listener connection of this database, as a failover would. fetch_all:
        # `execute` reads only the first row, which would stop after one backend.
        await one.db.fetch_all(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            f" WHERE application_name = '{APPLICATION_NAME}' AND datname = current_database()"
        )
        assert await before.next_batch(5) is None  # told to resume from the feed
    async with asyncio.timeout(5):
        await two.live.listening.wait()
    async with two.live.subscribe() as after:
        await one.live.publish(LiveEvent(13, "status"))
        assert [item.interview_id for item in await collect(after, 1)] == [13]


async def test_postgres_malformed_notification_is_ignored(pair: tuple[Instance, Instance]) -> None:
    one, two = pair
    async with two.live.subscribe() as subscription:
        await one.db.execute("SELECT pg_notify('portal_live', 'not json')")
        await one.live.publish(LiveEvent(14, "status"))
        assert [item.interview_id for item in await collect(subscription, 1)] == [14]
