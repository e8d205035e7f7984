"""The in-process hub and the subscription queue (no database)."""

from __future__ import annotations

import asyncio
import os
import signal
from types import FrameType

from portal.db.database import Database
from portal.live import InProcessHub, LiveEvent, Published, calling_on_stop_signal


async def test_hub_publish_reaches_every_subscriber_in_order() -> None:
    hub = InProcessHub()
    async with hub.subscribe() as first, hub.subscribe() as second:
        await hub.publish(LiveEvent(7, "status", 3))
        await hub.publish(LiveEvent(8, "rsvp"))
        expected = [Published(1, 7, "status"), Published(2, 8, "rsvp")]
        assert await first.next_batch(1) == expected
        assert await second.next_batch(1) == expected
    assert hub.subscriber_count == 0


async def test_hub_subscription_sees_only_events_after_it_subscribed() -> None:
    hub = InProcessHub()
    await hub.publish(LiveEvent(1, "status"))
    async with hub.subscribe() as subscription:
        assert await subscription.next_batch(0.01) == []
        await hub.publish(LiveEvent(2, "status"))
        assert [item.interview_id for item in await subscription.next_batch(1) or []] == [2]


async def test_hub_lagging_subscriber_is_closed_not_buffered() -> None:
    hub = InProcessHub(queue_size=2)
    async with hub.subscribe() as slow, hub.subscribe() as fast:
        await hub.publish(LiveEvent(1, "status"))
        await hub.publish(LiveEvent(2, "status"))
        assert len(await fast.next_batch(1) or []) == 2
        await hub.publish(LiveEvent(3, "status"))
        assert slow.closed
        assert await slow.next_batch(1) is None  # its browser resumes from Last-Event-ID
        assert [item.id for item in await fast.next_batch(1) or []] == [3]


async def test_hub_drain_ends_subscriptions_and_refuses_new_ones() -> None:
    hub = InProcessHub()
    async with hub.subscribe() as open_one:
        waiting = asyncio.create_task(open_one.next_batch(30))
        await asyncio.sleep(0)
        hub.drain()
        assert await asyncio.wait_for(waiting, 1) is None
    async with hub.subscribe() as late:
        assert await late.next_batch(30) is None


async def test_hub_feed_write_failure_still_delivers_without_id(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    await db.connect()
    await db.execute("DROP TABLE live_events")  # the feed row cannot be written
    hub = InProcessHub(db)
    async with hub.subscribe() as subscription:
        await hub.publish(LiveEvent(4, "status"))
        assert await subscription.next_batch(1) == [Published(None, 4, "status")]
    await db.disconnect()


async def test_hub_with_database_ids_come_from_the_feed(db: Database) -> None:
    hub = InProcessHub(db)
    async with hub.subscribe() as subscription:
        for interview_id in (5, 6, 5):
            await hub.publish(LiveEvent(interview_id, "status"))
        ids = [item.id for item in await subscription.next_batch(1) or []]
    assert ids == [1, 2, 3]


async def test_stop_signal_calls_back_then_the_previous_handler() -> None:
    calls: list[str] = []

    def previous(sig: int, frame: FrameType | None) -> None:
        calls.append("previous")

    original = signal.signal(signal.SIGTERM, previous)
    try:
        with calling_on_stop_signal(lambda: calls.append("drain")):
            os.kill(os.getpid(), signal.SIGTERM)
            await asyncio.sleep(0.05)
        assert calls == ["previous", "drain"]  # the handler runs first; drain on the loop
        assert signal.getsignal(signal.SIGTERM) is previous  # restored
    finally:
        signal.signal(signal.SIGTERM, original)


async def test_stop_signal_left_alone_when_nobody_handles_it() -> None:
    original = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        with calling_on_stop_signal(lambda: None):
            assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    finally:
        signal.signal(signal.SIGTERM, original)
