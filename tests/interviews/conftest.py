from __future__ import annotations

import httpx
import pytest

from portal.db.database import Database
from tests.conftest import Auth
from tests.factories import World, make_world


@pytest.fixture
async def world(db: Database) -> World:
    return await make_world(db)


@pytest.fixture
async def hr(client: httpx.AsyncClient, auth: Auth, world: World) -> Auth:
    await auth.login_as("liuyang")
    return auth


@pytest.fixture
async def interviewer(client: httpx.AsyncClient, auth: Auth, world: World) -> Auth:
    await auth.login_as("lina")
    return auth
