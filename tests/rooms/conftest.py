"""Rooms on the platform: the portal against the platform sandbox over real HTTP on loopback.

- `settings`: the test corp with the platform sandbox configured (`PLATFORM_*`).
- `rooms`: a rooms worker on the test's clock and database, with a short client timeout,
  and the world's recording broadcaster; `rooms.run()` works until nothing is due.
- `book(...)`: HR books through the use case, rooms on, and gets the interview back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

import httpx
import pytest

from portal.clock import FrozenClock
from portal.db.database import Database
from portal.db.interviews import InterviewDetail
from portal.interviews import service
from portal.platform import ApiKeyAuth, PlatformClient
from portal.platform.sandbox import DEMO_API_KEY, DEMO_WEBHOOK_SECRET
from portal.rooms.provision import PortalPages, RoomsConfig, RoomWorker
from portal.scheduling import InterviewDraft
from portal.settings import Settings
from tests.conftest import SettingsFactory
from tests.factories import World
from tests.support.platform import PlatformControl

ROOMS_ON = service.BookingPolicy(platform_rooms=True)
BASE = "http://testserver"


@pytest.fixture
def platform_env(platform: PlatformControl) -> dict[str, str]:
    return {
        "PLATFORM_API_BASE": platform.base_url,
        "PLATFORM_API_KEY": DEMO_API_KEY,
        "PLATFORM_WEBHOOK_SECRET": DEMO_WEBHOOK_SECRET,
    }


@pytest.fixture
def settings(make_settings: SettingsFactory, db_url: str, platform_env: dict[str, str]) -> Settings:
    return make_settings(db_url, **platform_env)


@dataclass
class Rooms:
    worker: RoomWorker
    client: PlatformClient

    async def run(self, turns: int = 5) -> int:
        """Batches until nothing is due now; returns how many rooms were worked."""
        done = 0
        for _ in range(turns):
            worked = await self.worker.run_once()
            if not worked:
                break
            done += worked
        return done


@pytest.fixture
async def rooms(
    db: Database, platform: PlatformControl, clock: FrozenClock, world: World
) -> AsyncIterator[Rooms]:
    timeout = httpx.Timeout(1.0, connect=1.0)
    async with httpx.AsyncClient() as http:
        client = PlatformClient(
            http, auth=ApiKeyAuth(DEMO_API_KEY), api_base=platform.base_url, timeout=timeout
        )
        config = RoomsConfig(base_delay=10.0, max_attempts=3)
        worker = RoomWorker(
            db, client, world.hub, PortalPages(BASE), config, clock=clock, rng=lambda: 0.5
        )
        yield Rooms(worker, client)


Book = Callable[..., Awaitable[InterviewDetail]]


@pytest.fixture
def book(db: Database, world: World, clock: FrozenClock) -> Book:
    async def booking(
        draft: InterviewDraft | None = None, *, at: datetime | None = None
    ) -> InterviewDetail:
        return await service.create(
            db,
            world.hub,
            draft or world.draft(room_url=None),
            actor=world.hr("liuyang"),
            now=at or clock.now(),
            policy=ROOMS_ON,
        )

    return booking
