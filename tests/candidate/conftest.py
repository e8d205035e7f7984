from __future__ import annotations

import pytest

from portal.db.database import Database
from tests.factories import World, make_world


@pytest.fixture
async def world(db: Database) -> World:
    return await make_world(db)
