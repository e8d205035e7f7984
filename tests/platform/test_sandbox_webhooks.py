"""Webhook delivery to a small receiving app on loopback: signatures, retries, fresh ts, drops."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from portal.clock import FrozenClock
from portal.platform import (
    ENDED,
    OPENED,
    SIGNATURE_HEADER,
    STARTED,
    Interviewer,
    NewRoom,
    PlatformClient,
    parse_event,
    verify,
)
from portal.platform.sandbox import DEMO_WEBHOOK_SECRET, PlatformSandboxConfig
from tests.support.platform import PlatformControl
from tests.support.servers import serve_in_thread

ROOM = NewRoom("王五", [Interviewer("zhangwei", "张伟", email="zhangwei@example.com")])


@dataclass
class Hit:
    body: bytes
    signature: str | None
    at: float


@dataclass
class Receiver:
    """Stands in for the portal's webhook endpoint: answers from a script, then 200."""

    url: str = ""
    answers: list[int] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)

    async def hook(self, request: Request) -> Response:
        body = await request.body()
        self.hits.append(Hit(body, request.headers.get(SIGNATURE_HEADER), time.monotonic()))
        status = self.answers.pop(0) if self.answers else 200
        return PlainTextResponse("ok" if status == 200 else "no", status_code=status)


@pytest.fixture(scope="module")
def _receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    app = Starlette(routes=[Route("/hook", receiver.hook, methods=["POST"])])
    with serve_in_thread(app, lifespan="off") as url:
        receiver.url = f"{url}/hook"
        yield receiver


@pytest.fixture
def receiver(_receiver: Receiver) -> Receiver:
    _receiver.answers.clear()
    _receiver.hits.clear()
    return _receiver


@pytest.fixture
def platform_config(receiver: Receiver) -> PlatformSandboxConfig:
    return PlatformSandboxConfig(webhook_url=receiver.url, retry_scale=0.01)


@pytest.fixture
def platform_clock(clock: FrozenClock) -> Callable[[], float]:
    """A clock that moves a second on every read, so each attempt gets a later ts."""
    return lambda: clock.advance(1).timestamp()


async def test_webhook_retried_until_200_with_fresh_ts_and_valid_signature(
    platform_client: PlatformClient, platform: PlatformControl, receiver: Receiver
) -> None:
    room = await platform_client.create_interview(ROOM)
    receiver.answers[:] = [500, 500]
    delivery = platform.event(room.uid, ENDED, rate=4)
    assert delivery["done"] is False  # answered at once, delivered in the background
    [done] = platform.wait_for_webhooks()
    assert [a["status"] for a in done["attempts"]] == [500, 500, 200]
    assert done["delivered"] and not done["dropped"]
    parsed = [parse_event(hit.body) for hit in receiver.hits]
    assert all(verify(hit.body, hit.signature, DEMO_WEBHOOK_SECRET) for hit in receiver.hits)
    assert {(e.event, e.uid, e.rate, e.tid) for e in parsed} == {(ENDED, room.uid, 4, done["tid"])}
    stamps = [e.ts for e in parsed]
    assert stamps == sorted(set(stamps)) == [a["ts"] for a in done["attempts"]]
    gaps = [b.at - a.at for a, b in zip(receiver.hits, receiver.hits[1:], strict=False)]
    assert all(gap >= 0.1 for gap in gaps)  # 15 s scaled by 0.01
    assert platform.stats()["webhooks_sent"] == 3


async def test_webhook_gives_up_after_three_retries(
    platform_client: PlatformClient, platform: PlatformControl, receiver: Receiver
) -> None:
    room = await platform_client.create_interview(ROOM)
    receiver.answers[:] = [503] * 10
    platform.event(room.uid, OPENED)
    [done] = platform.wait_for_webhooks()
    assert len(done["attempts"]) == 4 and len(receiver.hits) == 4
    assert done["done"] and not done["delivered"]


async def test_webhook_drop_fault_sends_nothing_and_records_dropped(
    platform_client: PlatformClient, platform: PlatformControl, receiver: Receiver
) -> None:
    room = await platform_client.create_interview(ROOM)
    platform.fault(path="webhook", drop=True, times=1)
    platform.event(room.uid, OPENED)
    platform.event(room.uid, STARTED)
    dropped, sent = platform.wait_for_webhooks()
    assert (dropped["event"], dropped["dropped"], dropped["attempts"]) == (OPENED, True, [])
    assert sent["delivered"] and [parse_event(h.body).event for h in receiver.hits] == [STARTED]
    assert platform.stats()["webhooks_dropped"] == 1


async def test_webhook_network_error_is_recorded_and_retried(
    platform_client: PlatformClient, platform: PlatformControl
) -> None:
    room = await platform_client.create_interview(ROOM)
    platform.set_webhook_url("http://127.0.0.1:9/hook")
    platform.event(room.uid, OPENED)
    [done] = platform.wait_for_webhooks()
    assert [(a["status"], a["error"]) for a in done["attempts"]] == [(None, "ConnectError")] * 4


async def test_webhook_room_page_visit_is_delivered(
    platform_client: PlatformClient, platform: PlatformControl, receiver: Receiver
) -> None:
    room = await platform_client.create_interview(ROOM)
    async with httpx.AsyncClient() as browser:
        assert (await browser.get(room.candidate_url)).status_code == 200
    [done] = platform.wait_for_webhooks()
    assert done["delivered"] and parse_event(receiver.hits[0].body).event == OPENED


async def test_control_event_may_skip_steps_and_repeat_but_not_go_back(
    platform_client: PlatformClient, platform: PlatformControl
) -> None:
    room = await platform_client.create_interview(ROOM)
    first = platform.event(room.uid, ENDED, rate=2)
    again = platform.event(room.uid, ENDED, rate=5)
    assert first["tid"] != again["tid"]
    stored = platform.room(room.uid)
    assert (stored["status"], stored["rate"]) == (ENDED, 5)
    assert stored["opened_time"] and stored["started_time"] and stored["ended_time"]
    with pytest.raises(httpx.HTTPStatusError) as caught:
        platform.event(room.uid, STARTED)
    assert caught.value.response.status_code == 409
    platform.wait_for_webhooks()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"event": "interview_paused"}, 400),
        ({"event": ENDED, "rate": 9}, 400),
        ({"event": ENDED, "rate": "4"}, 400),
        ({"event": OPENED, "rate": 3}, 400),
    ],
)
async def test_control_event_bad_input_is_400(
    platform_client: PlatformClient,
    platform: PlatformControl,
    body: dict[str, object],
    status: int,
) -> None:
    room = await platform_client.create_interview(ROOM)
    response = platform.http.post(f"/_control/rooms/{room.uid}/events", json=body)
    assert response.status_code == status and response.json()["error"]
    assert platform.webhooks() == []


async def test_control_event_unknown_room_is_404(platform: PlatformControl) -> None:
    response = platform.http.post("/_control/rooms/NOPE0000/events", json={"event": OPENED})
    assert response.status_code == 404


class TestRecordOnly:
    @pytest.fixture
    def platform_config(self) -> PlatformSandboxConfig:
        return PlatformSandboxConfig(retry_scale=0.01)

    async def test_without_webhook_url_events_are_recorded_not_sent(
        self, platform_client: PlatformClient, platform: PlatformControl
    ) -> None:
        room = await platform_client.create_interview(ROOM)
        delivery = platform.event(room.uid, OPENED)
        assert delivery["done"] and delivery["attempts"] == [] and not delivery["delivered"]


class TestReset:
    @pytest.fixture
    def platform_config(self, receiver: Receiver) -> PlatformSandboxConfig:
        return PlatformSandboxConfig(webhook_url=receiver.url, retry_delays=(0.15,))

    async def test_reset_cancels_deliveries_in_flight(
        self, platform_client: PlatformClient, platform: PlatformControl, receiver: Receiver
    ) -> None:
        room = await platform_client.create_interview(ROOM)
        receiver.answers[:] = [500]
        platform.event(room.uid, OPENED)
        deadline = time.monotonic() + 2
        while not receiver.hits and time.monotonic() < deadline:
            time.sleep(0.01)
        platform.reset()
        time.sleep(0.3)
        assert len(receiver.hits) == 1
        assert platform.webhooks() == [] and platform.rooms() == []
