"""Helpers for the WeCom client tests: a client on the sandbox and its control API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from portal.wecom import MemoryTokenStore, TokenStore, WeComClient
from portal.wecom.sandbox import DEMO_AGENT_ID, DEMO_CORP_ID, DEMO_SECRET

FAST_TIMEOUT = httpx.Timeout(5.0, connect=2.0)


class Control:
    """The sandbox's `/_control` API."""

    def __init__(self, http: httpx.AsyncClient, base_url: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/") + "/_control"

    async def _send(self, method: str, path: str, body: Any = None) -> Any:
        response = await self._http.request(method, self._base + path, json=body)
        response.raise_for_status()
        return response.json() if response.content else None

    async def reset(self) -> None:
        await self._send("POST", "/reset")

    async def fault(self, **body: Any) -> None:
        await self._send("POST", "/faults", body)

    async def clear_faults(self) -> None:
        await self._send("DELETE", "/faults")

    async def stats(self) -> dict[str, Any]:
        stats: dict[str, Any] = await self._send("GET", "/stats")
        return stats

    async def calls(self, path: str) -> int:
        return int((await self.stats())["calls"].get(path, 0))

    async def expire_tokens(self) -> None:
        await self._send("POST", "/expire-tokens")

    async def code(self, **body: Any) -> str:
        return str((await self._send("POST", "/codes", body))["code"])

    async def messages(self, touser: str) -> list[dict[str, Any]]:
        response = await self._http.get(self._base + "/messages", params={"touser": touser})
        response.raise_for_status()
        data = response.json()
        return list(data["messages"] if isinstance(data, dict) else data)


@asynccontextmanager
async def wecom_client(
    base_url: str,
    *,
    token_store: TokenStore | None = None,
    corp_secret: str = DEMO_SECRET,
    corp_id: str = DEMO_CORP_ID,
    **options: Any,
) -> AsyncIterator[WeComClient]:
    """A client for the sandbox's demo app; fast retries unless `backoff` is given."""
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
            **options,
        )


@asynccontextmanager
async def control_for(base_url: str) -> AsyncIterator[Control]:
    async with httpx.AsyncClient(timeout=FAST_TIMEOUT) as http:
        control = Control(http, base_url)
        await control.reset()
        yield control
