"""One loopback server for the WeCom sandbox per test session, with a fresh sandbox per test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

from portal.wecom.sandbox import SandboxConfig, create_sandbox_app
from tests.support.servers import serve_in_thread


class AppSwitch:
    """An ASGI app that forwards to whichever sandbox the current test installed."""

    def __init__(self) -> None:
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            if scope["type"] == "http":
                await send({"type": "http.response.start", "status": 503, "headers": []})
                await send({"type": "http.response.body", "body": b"no sandbox installed"})
            return
        await self.app(scope, receive, send)


@contextmanager
def sandbox_server() -> Iterator[tuple[AppSwitch, str]]:
    switch = AppSwitch()
    with serve_in_thread(switch, lifespan="off") as url:
        yield switch, url


class SandboxControl:
    """The sandbox's `/_control` API, for tests (synchronous, so usable anywhere)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx.Client(base_url=base_url, timeout=10)

    def install(self, switch: AppSwitch, config: SandboxConfig) -> None:
        switch.app = create_sandbox_app(config)

    def code_for(self, userid: str) -> str:
        return str(self._post("/_control/codes", {"userid": userid})["code"])

    def code_for_openid(self, openid: str) -> str:
        return str(self._post("/_control/codes", {"openid": openid})["code"])

    def fault(self, **fault: Any) -> None:
        self._post("/_control/faults", fault)

    def messages(self, touser: str | None = None) -> list[dict[str, Any]]:
        params = {"touser": touser} if touser else {}
        response = self.http.get("/_control/messages", params=params)
        response.raise_for_status()
        messages: list[dict[str, Any]] = response.json()["messages"]
        return messages

    def stats(self) -> dict[str, Any]:
        response = self.http.get("/_control/stats")
        response.raise_for_status()
        stats: dict[str, Any] = response.json()
        return stats

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.http.post(path, json=body)
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        return answer

    def close(self) -> None:
        self.http.close()
