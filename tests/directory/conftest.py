"""A WeCom client for the directory tests, talking to the per-test sandbox over loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from portal.clock import FrozenClock
from portal.db.database import Database
from portal.db.tokens import DatabaseTokenStore
from portal.directory.service import RoleSources
from portal.wecom import WeComClient
from portal.wecom import sandbox as demo
from tests.support.sandbox import SandboxControl


@pytest.fixture
async def wecom_client(
    sandbox: SandboxControl, db: Database, clock: FrozenClock
) -> AsyncIterator[WeComClient]:
    """A WeCom client on the test's clock, like the sandbox, so token lifetimes agree."""
    async with httpx.AsyncClient() as http:
        yield WeComClient(
            http,
            corp_id=demo.DEMO_CORP_ID,
            corp_secret=demo.DEMO_SECRET,
            agent_id=demo.DEMO_AGENT_ID,
            token_store=DatabaseTokenStore(db),
            api_base=sandbox.base_url,
            clock=clock.timestamp,
        )


@pytest.fixture
def sources() -> RoleSources:
    return RoleSources(
        admins=(demo.DEMO_ADMIN_USERID,),
        hr_departments=(),
        hr_tags=(demo.DEMO_HR_TAG_ID,),
    )
