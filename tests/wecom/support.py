"""Helpers for the WeCom client tests: a client for the sandbox's demo app.

The sandbox itself and its `/_control` API are the root `sandbox` fixture
(`tests.support.sandbox.SandboxControl`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from portal.clock import Clock
from portal.wecom import MemoryTokenStore, TokenStore, WeComClient
from portal.wecom.sandbox import DEMO_AGENT_ID, DEMO_CORP_ID, DEMO_SECRET

FAST_TIMEOUT = httpx.Timeout(5.0, connect=2.0)


@asynccontextmanager
async def demo_client(
    base_url: str,
    clock: Clock,
    *,
    token_store: TokenStore | None = None,
    corp_secret: str = DEMO_SECRET,
    corp_id: str = DEMO_CORP_ID,
    **options: Any,
) -> AsyncIterator[WeComClient]:
    """A client for the demo app at `base_url`, on `clock`; fast retries unless `backoff` is given.

    `options` go to `WeComClient` (e.g. `timeout`, `backoff`, `oauth_base`, `sleep`, `rng`).
    """
    options.setdefault("backoff", 0.001)
    options.setdefault("timeout", FAST_TIMEOUT)
    async with httpx.AsyncClient() as http:
        yield WeComClient(
            http,
            corp_id=corp_id,
            corp_secret=corp_secret,
            agent_id=DEMO_AGENT_ID,
            token_store=token_store or MemoryTokenStore(),
            api_base=base_url,
            clock=clock.timestamp,
            **options,
        )
