"""Webhook delivery the way the platform does it: signed, retried after 15 s, 15 s and 30 s.

Each delivery is an asyncio task on the sandbox's event loop; the sender keeps a reference
to every task (the loop itself keeps only weak ones) and `reset` cancels them.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..webhooks import SIGNATURE_HEADER, sign, webhook_body
from .config import PlatformSandboxConfig


@dataclass
class Attempt:
    """One POST of a delivery: its `ts`, and the HTTP status or the network error."""

    ts: int
    status: int | None = None
    error: str | None = None


@dataclass
class Delivery:
    """One event for one room, with every attempt to deliver it (same `tid` throughout)."""

    id: int
    event: str
    uid: str
    tid: str
    rate: int | None
    url: str | None
    attempts: list[Attempt] = field(default_factory=list)
    delivered: bool = False
    dropped: bool = False
    done: bool = False

    def as_json(self) -> dict[str, Any]:
        """The delivery as the control API shows it."""
        return {
            "id": self.id,
            "event": self.event,
            "uid": self.uid,
            "tid": self.tid,
            "rate": self.rate,
            "url": self.url,
            "attempts": [vars(a).copy() for a in self.attempts],
            "delivered": self.delivered,
            "dropped": self.dropped,
            "done": self.done,
        }


class WebhookSender:
    """Records every event and delivers those that have a URL and are not dropped."""

    def __init__(self, config: PlatformSandboxConfig, clock: Callable[[], float]) -> None:
        self.config = config
        self._clock = clock
        self.deliveries: list[Delivery] = []
        self.posts = 0
        self._tasks: set[asyncio.Task[None]] = set()

    def send(
        self, event: str, uid: str, *, rate: int | None, url: str | None, drop: bool
    ) -> Delivery:
        """Record an event and start delivering it in the background (must run on a loop)."""
        delivery = Delivery(len(self.deliveries) + 1, event, uid, uuid.uuid4().hex, rate, url)
        self.deliveries.append(delivery)
        if drop or url is None:
            delivery.dropped = drop
            delivery.done = True
            return delivery
        task = asyncio.get_running_loop().create_task(self._deliver(delivery, url))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return delivery

    def reset(self) -> None:
        """Cancel deliveries in flight and forget every delivery."""
        for task in self._tasks:
            task.cancel()
        self._tasks.clear()
        self.deliveries = []
        self.posts = 0

    async def _deliver(self, delivery: Delivery, url: str) -> None:
        delays = self.config.retry_delays
        try:
            async with httpx.AsyncClient(timeout=self.config.webhook_timeout_s) as client:
                for attempt in range(len(delays) + 1):
                    if attempt:
                        await asyncio.sleep(delays[attempt - 1] * self.config.retry_scale)
                    if await self._post(client, delivery, url):
                        delivery.delivered = True
                        return
        finally:
            delivery.done = True

    async def _post(self, client: httpx.AsyncClient, delivery: Delivery, url: str) -> bool:
        # Every attempt is a new body: a fresh ts, so a fresh signature; the tid stays.
        attempt = Attempt(ts=int(self._clock()))
        delivery.attempts.append(attempt)
        body = webhook_body(
            delivery.event, delivery.uid, ts=attempt.ts, tid=delivery.tid, rate=delivery.rate
        )
        headers = {
            SIGNATURE_HEADER: sign(body, self.config.webhook_secret),
            "Content-Type": "application/json; charset=utf-8",
        }
        self.posts += 1
        try:
            response = await client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            attempt.error = type(exc).__name__
            return False
        attempt.status = response.status_code
        return response.status_code == 200
