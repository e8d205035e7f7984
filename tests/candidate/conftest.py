from __future__ import annotations

import pytest

from portal.db.database import Database
from tests.candidate.support import Seed, make_seed


@pytest.fixture
async def seed(db: Database) -> Seed:
    return await make_seed(db)
