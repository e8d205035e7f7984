"""Fixtures for the WeCom SDK and sandbox tests, all built on the root `sandbox` fixture.

The sandbox is the root `sandbox` (a `tests.support.sandbox.SandboxControl`: a fresh sandbox
per test, on the test's frozen `clock`, served over real HTTP by the session's `_wecom_server`;
`sandbox.base_url` is the SDK's `api_base`). Override `wecom_config` in a module or class to
change the corp, e.g. `SandboxConfig(callback_url=...)`.

- `sandbox_http`: an `httpx.AsyncClient` with `base_url=sandbox.base_url`, for raw API calls.
- `access_token`: a valid access token for the demo app (fetched through `gettoken`).
- `wecom_client`: a `WeComClient` for the demo app on the sandbox (API, OAuth and web login
  all pointed at it), on the test's clock, with fast retries.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from portal.clock import FrozenClock
from portal.wecom import WeComClient
from portal.wecom.sandbox import DEMO_CORP_ID, DEMO_SECRET
from tests.support.sandbox import SandboxControl
from tests.wecom.support import demo_client


@pytest.fixture
async def sandbox_http(sandbox: SandboxControl) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sandbox.base_url, timeout=5.0) as http:
        yield http


@pytest.fixture
async def access_token(sandbox_http: httpx.AsyncClient) -> str:
    params = {"corpid": DEMO_CORP_ID, "corpsecret": DEMO_SECRET}
    answer: dict[str, Any] = (await sandbox_http.get("/cgi-bin/gettoken", params=params)).json()
    return str(answer["access_token"])


@pytest.fixture
async def wecom_client(sandbox: SandboxControl, clock: FrozenClock) -> AsyncIterator[WeComClient]:
    base = sandbox.base_url
    async with demo_client(base, clock, oauth_base=base, web_login_base=base) as client:
        yield client
