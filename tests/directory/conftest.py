"""A WeCom client for the directory tests, talking to the per-test sandbox over loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from portal.db.database import Database
from portal.db.tokens import DatabaseTokenStore
from portal.directory.service import RoleSources
from portal.wecom import WeComClient, sandbox
from tests.support.sandbox import SandboxControl


@pytest.fixture
async def wecom_client(wecom: SandboxControl, db: Database) -> AsyncIterator[WeComClient]:
    async with httpx.AsyncClient() as http:
        yield WeComClient(
            http,
            corp_id=sandbox.DEMO_CORP_ID,
            corp_secret=sandbox.DEMO_SECRET,
            agent_id=sandbox.DEMO_AGENT_ID,
            token_store=DatabaseTokenStore(db),
            api_base=wecom.base_url,
        )


@pytest.fixture
def sources() -> RoleSources:
    return RoleSources(
        admins=(sandbox.DEMO_ADMIN_USERID,),
        hr_departments=(),
        hr_tags=(sandbox.DEMO_HR_TAG_ID,),
    )
