"""Retry bounds, counted by the sandbox: GET and PATCH at most 3 tries, POSTs never retried."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from portal.platform import (
    BatchCandidate,
    Interviewer,
    NewRoom,
    PlatformClient,
    PlatformError,
    PlatformUnavailable,
    RateLimited,
    RoomEdit,
    SystemBusy,
)
from portal.platform.sandbox import DEMO_API_KEY
from tests.support.platform import PlatformControl, demo_client

SHORT = httpx.Timeout(0.15, connect=2.0)
ROOM = NewRoom("王五", [Interviewer("zhangwei", "张伟", email="zhangwei@example.com")])


@pytest.mark.parametrize(
    ("fault", "cls"),
    [
        ({"errcode": -1}, SystemBusy),
        ({"http_status": 500}, PlatformUnavailable),
        ({"http_status": 503}, PlatformUnavailable),
    ],
)
async def test_get_transient_failure_tries_three_times_then_raises(
    platform_client: PlatformClient,
    platform: PlatformControl,
    fault: dict[str, int],
    cls: type[PlatformError],
) -> None:
    platform.fault(path="interviews:list", times=10, **fault)
    with pytest.raises(cls) as caught:
        await platform_client.list_interviews()
    assert caught.value.transient
    assert platform.calls("interviews:list") == 3


async def test_get_transient_failure_twice_then_succeeds(
    platform_client: PlatformClient, platform: PlatformControl
) -> None:
    platform.fault(path="exams", http_status=502, times=2)
    assert len(await platform_client.papers()) == 3
    assert platform.calls("exams") == 3


async def test_patch_transient_failure_is_retried(
    platform_client: PlatformClient, platform: PlatformControl
) -> None:
    room = await platform_client.create_interview(ROOM)
    platform.fault(path="interviews:edit", http_status=503, times=2)
    edited = await platform_client.edit_interview(room.uid, RoomEdit(type_id=2))
    assert edited.type_id == 2
    assert platform.calls("interviews:edit") == 3


@pytest.mark.parametrize(
    ("fault", "cls"),
    [
        ({"errcode": -1}, SystemBusy),
        ({"errcode": 10002}, RateLimited),
        ({"http_status": 500}, PlatformUnavailable),
    ],
)
async def test_post_transient_failure_never_retried_inline(
    platform_client: PlatformClient,
    platform: PlatformControl,
    fault: dict[str, int],
    cls: type[PlatformError],
) -> None:
    platform.fault(path="*", times=10, **fault)
    with pytest.raises(cls):
        await platform_client.create_interview(ROOM)
    with pytest.raises(cls):
        await platform_client.batch_create([BatchCandidate("c1", "赵六")])
    assert platform.calls("interviews:create") == 1
    assert platform.calls("batch_interviews") == 1


async def test_get_timeout_tries_three_times(platform: PlatformControl) -> None:
    platform.fault(path="written_questions", delay_s=0.5, times=10)
    async with demo_client(platform.base_url, timeout=SHORT) as client:
        with pytest.raises(PlatformUnavailable) as caught:
            await client.questions()
    assert caught.value.request_sent
    assert platform.calls("written_questions") == 3


async def test_create_timeout_not_retried_but_room_exists(platform: PlatformControl) -> None:
    platform.fault(path="interviews:create", delay_s=0.5, times=1)
    async with demo_client(platform.base_url, timeout=SHORT) as client:
        with pytest.raises(PlatformUnavailable) as caught:
            await client.create_interview(ROOM)
        assert caught.value.request_sent  # the outcome is unknown, not a failure
        found = await client.list_interviews(search="王五")
    assert platform.calls("interviews:create") == 1
    assert [r.candidate_name for r in found.rooms] == ["王五"]


async def test_connect_failure_says_request_not_sent() -> None:
    async with demo_client("http://127.0.0.1:9", max_attempts=1) as client:
        with pytest.raises(PlatformUnavailable) as caught:
            await client.papers()
    assert caught.value.request_sent is False


async def test_backoff_grows_exponentially_with_jitter(platform: PlatformControl) -> None:
    delays: list[float] = []

    async def record(seconds: float) -> None:
        delays.append(seconds)

    platform.fault(path="exams", errcode=-1, times=10)
    async with demo_client(platform.base_url, backoff=0.1, sleep=record, rng=lambda: 0.5) as c:
        with pytest.raises(SystemBusy):
            await c.papers()
    assert delays == [pytest.approx(0.1), pytest.approx(0.2)]


async def test_rate_limited_get_waits_at_least_retry_after(platform: PlatformControl) -> None:
    delays: list[float] = []

    async def record(seconds: float) -> None:
        delays.append(seconds)

    platform.fault(path="exams", errcode=10002, times=1)
    async with demo_client(platform.base_url, backoff=0.01, sleep=record, rng=lambda: 0.0) as c:
        assert await c.papers()
    assert delays == [1.0]


async def test_max_attempts_bounds_tries(platform: PlatformControl) -> None:
    platform.fault(path="exams", http_status=500, times=10)
    async with demo_client(platform.base_url, max_attempts=1) as client:
        with pytest.raises(PlatformUnavailable):
            await client.papers()
    assert platform.calls("exams") == 1


async def test_logs_never_contain_key_or_room_links(
    platform_client: PlatformClient, platform: PlatformControl, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="portal.platform")
    platform.fault(path="interviews:list", errcode=-1, times=1)
    room = await platform_client.create_interview(ROOM)
    await platform_client.list_interviews()
    records = [r for r in caplog.records if r.name.startswith("portal.platform")]
    text = "\n".join(r.getMessage() for r in records)
    assert "POST interviews -> errcode 0" in text and "retry 1" in text
    secrets: list[Any] = [DEMO_API_KEY, room.candidate_url, room.interviewer_url]
    secrets += [s.interviewer_url for s in room.seats]
    for secret in secrets:
        assert secret not in text
