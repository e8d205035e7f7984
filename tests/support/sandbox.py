"""One loopback server for the WeCom sandbox per test session, with a fresh sandbox per test.

`SandboxControl` is the tests' one client for the sandbox's `/_control` API. It is
synchronous: the sandbox is served by uvicorn in another thread, so calling it from an async
test only blocks that test's loop while the other thread answers. (Do not use it for a call
that makes the sandbox call back into an app served on the caller's own loop.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
    """The sandbox's `/_control` API, for tests (synchronous, so usable anywhere).

    `base_url` is where the sandbox answers (no trailing slash): the WeCom `api_base`,
    `oauth_base` and `web_login_base` for a client under test. Every method raises
    `httpx.HTTPStatusError` when the control API refuses the request.
    """

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx.Client(base_url=base_url, timeout=10)

    def install(
        self, switch: AppSwitch, config: SandboxConfig, *, clock: Callable[[], float] | None = None
    ) -> None:
        switch.app = create_sandbox_app(config, clock=clock)

    # --- state and time ---------------------------------------------------------------------

    def reset(self) -> None:
        """Forget tokens, codes, messages, faults, stats and `advance`; keep the config."""
        self._post("/_control/reset")

    def advance(self, seconds: float) -> float:
        """Move the sandbox's clock (only the sandbox's) forward; returns its new Unix time.

        To move the portal and the sandbox together, advance the test's `clock` instead.
        """
        return float(self._post("/_control/advance", {"seconds": seconds})["now"])

    def expire_tokens(self) -> int:
        """Every access token issued so far now answers 42001; returns how many there were."""
        return int(self._post("/_control/expire-tokens")["expired"])

    def invalidate_tokens(self) -> int:
        """Every access token issued so far now answers 40014; returns how many there were."""
        return int(self._post("/_control/invalidate-tokens")["invalidated"])

    # --- logins -----------------------------------------------------------------------------

    def code_for(self, userid: str, *, scope: str = "snsapi_base") -> str:
        """A login code for a member, as the login screen would hand it to the portal."""
        return str(self._post("/_control/codes", {"userid": userid, "scope": scope})["code"])

    def code_for_openid(self, openid: str) -> str:
        """A login code for someone outside the corp (a personal WeChat openid)."""
        return str(self._post("/_control/codes", {"openid": openid})["code"])

    # --- faults -----------------------------------------------------------------------------

    def fault(self, **fault: Any) -> dict[str, Any]:
        """Inject a fault: `path`, and `errcode`, `http_status` or `delay_s`, `times`/`ratio`."""
        added: dict[str, Any] = self._post("/_control/faults", fault)["fault"]
        return added

    def faults(self) -> list[dict[str, Any]]:
        """The faults still armed."""
        faults: list[dict[str, Any]] = self._get("/_control/faults")["faults"]
        return faults

    def clear_faults(self) -> int:
        """Disarm every fault; returns how many there were."""
        response = self.http.delete("/_control/faults")
        response.raise_for_status()
        return int(response.json()["cleared"])

    # --- what happened ----------------------------------------------------------------------

    def messages(
        self, touser: str | None = None, *, msgid: str | None = None
    ) -> list[dict[str, Any]]:
        """Delivered messages, oldest first (for one member and/or one msgid if given)."""
        params = {k: v for k, v in {"touser": touser, "msgid": msgid}.items() if v}
        messages: list[dict[str, Any]] = self._get("/_control/messages", params)["messages"]
        return messages

    def stats(self) -> dict[str, Any]:
        """Counters: `calls` per API path, `faults_applied`, `messages_delivered`, ..."""
        return self._get("/_control/stats")

    def calls(self, path: str) -> int:
        """How many times the API `path` (e.g. "gettoken", "message/send") was called."""
        return int(self.stats()["calls"].get(path, 0))

    def schedules(self) -> list[dict[str, Any]]:
        """Every calendar schedule, deleted ones with status 1."""
        schedules: list[dict[str, Any]] = self._get("/_control/schedules")["schedules"]
        return schedules

    def callbacks(self) -> list[dict[str, Any]]:
        """Every card-button callback the sandbox fired at the portal so far."""
        callbacks: list[dict[str, Any]] = self._get("/_control/callbacks")["callbacks"]
        return callbacks

    # --- plumbing ---------------------------------------------------------------------------

    def _get(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        response = self.http.get(path, params=params)
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        return answer

    def _post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.http.post(path, json=body or {})
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        return answer

    def close(self) -> None:
        self.http.close()
