"""Fixtures for the WeCom SDK and sandbox tests.

- `sandbox_config`: `SandboxConfig()` for the demo corp (DEMO_CORP_ID, DEMO_SECRET, agent
  DEMO_AGENT_ID, demo organisation). Override it in a test module to change the corp, e.g.
  `SandboxConfig(callback_url=...)`.
- `sandbox_app`: `create_sandbox_app(sandbox_config)`: a new app, so fresh state, per test.
- `sandbox_url`: base URL (no trailing slash) where `sandbox_app` answers over real HTTP on a
  loopback port; the SDK's `api_base`. One uvicorn server serves the whole session and each
  test's app is swapped in, so state never leaks between tests and no server restarts.
- `sandbox_http`: an `httpx.AsyncClient` with `base_url=sandbox_url`.
- `sandbox_token`: a valid access token for the demo app (fetched through `gettoken`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from portal.wecom.sandbox import DEMO_CORP_ID, DEMO_SECRET, SandboxConfig, create_sandbox_app
from tests.support.sandbox import AppSwitch, sandbox_server


@pytest.fixture(scope="session")
def _sandbox_server() -> Iterator[tuple[AppSwitch, str]]:
    with sandbox_server() as server:
        yield server


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig()


@pytest.fixture
def sandbox_app(sandbox_config: SandboxConfig) -> Starlette:
    return create_sandbox_app(sandbox_config)


@pytest.fixture
def sandbox_url(_sandbox_server: tuple[AppSwitch, str], sandbox_app: Starlette) -> Iterator[str]:
    switch, url = _sandbox_server
    switch.app = sandbox_app
    yield url
    switch.app = None


@pytest.fixture
async def sandbox_http(sandbox_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sandbox_url, timeout=5.0) as http:
        yield http


@pytest.fixture
async def sandbox_token(sandbox_http: httpx.AsyncClient) -> str:
    params = {"corpid": DEMO_CORP_ID, "corpsecret": DEMO_SECRET}
    answer: dict[str, Any] = (await sandbox_http.get("/cgi-bin/gettoken", params=params)).json()
    return str(answer["access_token"])
