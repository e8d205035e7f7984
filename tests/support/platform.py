"""One loopback server for the platform sandbox per test session, with a fresh sandbox per test.

`PlatformControl` is the tests' one client for the sandbox's `/_control` API. It is
synchronous: the sandbox is served by uvicorn in another thread (whose event loop also runs
the webhook deliveries), so calling it from an async test only blocks that test's loop
while the other thread answers. Do not point webhooks at an app served on the test's own
loop while the test blocks in `wait_for_webhooks`.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx

from portal.platform import ApiKeyAuth, PlatformClient
from portal.platform.sandbox import DEMO_API_KEY, PlatformSandboxConfig, create_platform_sandbox
from tests.support.sandbox import AppSwitch
from tests.support.servers import serve_in_thread

FAST_TIMEOUT = httpx.Timeout(5.0, connect=2.0)


@asynccontextmanager
async def demo_client(
    api_base: str, *, api_key: str = DEMO_API_KEY, **options: Any
) -> AsyncIterator[PlatformClient]:
    """A client for the sandbox's demo team at `api_base`, with fast retries unless given.

    `options` go to `PlatformClient` (e.g. `timeout`, `backoff`, `max_attempts`, `sleep`).
    """
    options.setdefault("backoff", 0.001)
    options.setdefault("timeout", FAST_TIMEOUT)
    async with httpx.AsyncClient() as http:
        yield PlatformClient(http, auth=ApiKeyAuth(api_key), api_base=api_base, **options)


@contextmanager
def platform_server() -> Iterator[tuple[AppSwitch, str]]:
    """Serve an AppSwitch on loopback; a session fixture installs a fresh sandbox per test."""
    switch = AppSwitch()
    with serve_in_thread(switch, lifespan="off") as url:
        yield switch, url


class PlatformControl:
    """The platform sandbox's `/_control` API, for tests (synchronous, so usable anywhere).

    `base_url` is where the sandbox answers (no trailing slash): the `api_base` of a
    `PlatformClient` under test. Every method raises `httpx.HTTPStatusError` when the
    control API refuses the request (400 bad input, 404 unknown room, 409 wrong state).
    """

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx.Client(base_url=base_url, timeout=10)

    def install(
        self,
        switch: AppSwitch,
        config: PlatformSandboxConfig,
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """Serve a brand-new sandbox with `config` behind `switch`."""
        switch.app = create_platform_sandbox(config, clock=clock)

    def reset(self) -> None:
        """Forget rooms, faults, deliveries and stats; keep the config."""
        self._post("/_control/reset")

    # --- rooms and events -------------------------------------------------------------------

    def rooms(self) -> list[dict[str, Any]]:
        """Every room, oldest first, with all links (revoked ones flagged)."""
        rooms: list[dict[str, Any]] = self._get("/_control/rooms")["rooms"]
        return rooms

    def room(self, uid: str) -> dict[str, Any]:
        """One room by uid (KeyError when there is none)."""
        found = {room["uid"]: room for room in self.rooms()}
        return found[uid]

    def event(self, uid: str, event: str, rate: int | None = None) -> dict[str, Any]:
        """Apply `event` to a room as its page would and send the webhook; returns the delivery."""
        body: dict[str, Any] = {"event": event}
        if rate is not None:
            body["rate"] = rate
        delivery: dict[str, Any] = self._post(f"/_control/rooms/{uid}/events", body)["delivery"]
        return delivery

    # --- webhooks ---------------------------------------------------------------------------

    def webhooks(self) -> list[dict[str, Any]]:
        """Every delivery, oldest first: attempts, delivered, dropped, done."""
        deliveries: list[dict[str, Any]] = self._get("/_control/webhooks")["webhooks"]
        return deliveries

    def wait_for_webhooks(self, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Poll until every delivery is done (delivered, dropped or out of retries)."""
        deadline = time.monotonic() + timeout
        while True:
            deliveries = self.webhooks()
            if all(d["done"] for d in deliveries):
                return deliveries
            if time.monotonic() > deadline:
                raise TimeoutError(f"webhooks still in flight after {timeout}s: {deliveries}")
            time.sleep(0.01)

    def set_webhook_url(self, url: str | None) -> None:
        """Send webhooks to `url` from now on (None: record them only), until reset."""
        self._post("/_control/webhook-url", {"url": url})

    # --- faults -----------------------------------------------------------------------------

    def fault(self, **fault: Any) -> dict[str, Any]:
        """Arm a fault: `path` (an endpoint name, "*" or "webhook") and what it does."""
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

    # --- counters ---------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """`calls` per endpoint name, `rooms`, `webhooks_sent`, `webhooks_delivered`, ..."""
        return self._get("/_control/stats")

    def calls(self, name: str) -> int:
        """How many times the endpoint `name` (e.g. "interviews:create") was called."""
        return int(self.stats()["calls"].get(name, 0))

    # --- plumbing ---------------------------------------------------------------------------

    def _get(self, path: str) -> dict[str, Any]:
        response = self.http.get(path)
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
