"""Work that one process of a deployment should do at a time (a daily job several workers
would otherwise all start)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import sqlalchemy as sa

from portal.db.database import Database

_TRY_LOCK = sa.text("SELECT pg_try_advisory_xact_lock(hashtext(:name))")


@asynccontextmanager
async def only_one(db: Database, name: str) -> AsyncIterator[bool]:
    """True for the one caller that holds `name` for the block, False for any other process
    meanwhile (it should skip the work). The block runs in one transaction, so what it writes
    is visible to the next holder. On SQLite the portal is one process: always True."""
    if not db.is_postgres:
        yield True
        return
    async with db.transaction():
        yield bool(await db.fetch_val(_TRY_LOCK.bindparams(name=name)))
