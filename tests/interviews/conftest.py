from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from unittest import mock

import httpx
import pytest

from portal.db.database import Database
from tests.conftest import Auth
from tests.interviews.support import NOW, World, make_world


@pytest.fixture
async def world(db: Database) -> World:
    return await make_world(db)


@pytest.fixture
def frozen() -> Iterator[datetime]:
    """The web layer's clock stands at NOW (a Tuesday, 10:00 in Shanghai)."""
    with mock.patch("portal.web.interview_views.datetime") as clock:
        clock.now.return_value = NOW
        yield NOW


@pytest.fixture
async def hr(client: httpx.AsyncClient, auth: Auth, world: World, frozen: datetime) -> Auth:
    await auth.login_as("liuyang")
    return auth


@pytest.fixture
async def interviewer(
    client: httpx.AsyncClient, auth: Auth, world: World, frozen: datetime
) -> Auth:
    await auth.login_as("lina")
    return auth
