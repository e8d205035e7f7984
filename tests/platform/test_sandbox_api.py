"""The sandbox's open API at the HTTP level: its rules, its loud failures, its fault control."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from portal.platform.sandbox import DEMO_API_KEY, PlatformSandboxConfig
from tests.support.platform import PlatformControl

API = "/open_api/v1"
ZHANG = {"uid": "zhangwei", "name": "张伟", "email": "zhangwei@example.com"}


@pytest.fixture
async def api(platform: PlatformControl) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {DEMO_API_KEY}"}
    async with httpx.AsyncClient(base_url=platform.base_url, headers=headers, timeout=5) as http:
        yield http


def room_body(**change: Any) -> dict[str, Any]:
    return {"candidate_name": "王五", "interviewers": [ZHANG], **change}


def seat(n: int, **change: Any) -> dict[str, Any]:
    return {"uid": f"u{n}", "name": f"面试官{n}", "phone": "13800000000", **change}


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"candidate_name": None}, "candidate_name is required"),
        ({"candidate_name": "  "}, "candidate_name"),
        ({"type_id": 3}, "type_id"),
        ({"type_id": True}, "type_id"),
        ({"interviewers": []}, "1 to 5"),
        ({"interviewers": [seat(n) for n in range(6)]}, "1 to 5"),
        ({"interviewers": [seat(1), seat(1)]}, "unique"),
        ({"interviewers": [{"uid": "x", "name": "无联系方式"}]}, "phone or an email"),
        ({"interviewers": [seat(1, name="")]}, "name"),
        ({"interviewers": [seat(1, phone=None, email="not-an-email")]}, "email"),
        ({"interviewers": ["zhangwei"]}, "must be an object"),
        ({"resume_link": "ftp://x"}, "resume_link"),
        ({"user_id": "7"}, "user_id"),
    ],
)
async def test_create_invalid_body_is_10003_and_names_the_field(
    api: httpx.AsyncClient, platform: PlatformControl, change: dict[str, Any], complaint: str
) -> None:
    response = await api.post(f"{API}/interviews", json=room_body(**change))
    assert response.status_code == 200
    answer = response.json()
    assert answer["errcode"] == 10003 and complaint in answer["errmsg"]
    assert platform.rooms() == []


async def test_create_accepts_deprecated_expire_in(api: httpx.AsyncClient) -> None:
    response = await api.post(f"{API}/interviews", json=room_body(expire_in=3600))
    assert response.json()["errcode"] == 0


async def test_create_body_not_json_is_10003(api: httpx.AsyncClient) -> None:
    response = await api.post(f"{API}/interviews", content=b"candidate_name=x")
    assert response.json()["errcode"] == 10003


async def test_patch_unknown_room_is_10004(api: httpx.AsyncClient) -> None:
    response = await api.patch(f"{API}/interviews/NOPE0000", json={"type_id": 2})
    assert response.json()["errcode"] == 10004


@pytest.mark.parametrize(
    "query",
    [{"per_page": "101"}, {"page": "0"}, {"status[]": "paused"}, {"created_time_start": "soon"}],
)
async def test_list_bad_query_is_10003(api: httpx.AsyncClient, query: dict[str, str]) -> None:
    assert (await api.get(f"{API}/interviews", params=query)).json()["errcode"] == 10003


async def test_list_plain_status_param_never_matches_unopened_rooms(api: httpx.AsyncClient) -> None:
    await api.post(f"{API}/interviews", json=room_body())
    answer = (await api.get(f"{API}/interviews", params={"status": "interview_opened"})).json()
    assert answer["data"]["total"] == 0


async def test_batch_over_100_or_duplicate_is_10003(api: httpx.AsyncClient) -> None:
    many = [{"uid": f"c{n}", "name": "N"} for n in range(101)]
    answer = (await api.post(f"{API}/batch_interviews", json={"interviews": many})).json()
    assert answer["errcode"] == 10003
    twice = [{"uid": "c1", "name": "A"}, {"uid": "c1", "name": "B"}]
    answer = (await api.post(f"{API}/batch_interviews", json={"interviews": twice})).json()
    assert answer["errcode"] == 10003 and "unique" in answer["errmsg"]


async def test_unknown_endpoint_fails_loudly(api: httpx.AsyncClient) -> None:
    response = await api.get(f"{API}/candidates")
    assert response.status_code == 404 and response.json()["errcode"] == 10003


async def test_wrong_key_is_http_401_with_envelope(platform: PlatformControl) -> None:
    headers = {"Authorization": "Bearer wrong"}
    async with httpx.AsyncClient(base_url=platform.base_url, headers=headers) as http:
        response = await http.post(f"{API}/interviews", json=room_body())
    assert response.status_code == 401 and response.json()["errcode"] == 10001
    assert platform.rooms() == []


async def test_http_status_fault_answers_non_json_and_does_not_apply(
    api: httpx.AsyncClient, platform: PlatformControl
) -> None:
    platform.fault(path="interviews:create", http_status=502, times=1)
    response = await api.post(f"{API}/interviews", json=room_body())
    assert response.status_code == 502 and not response.text.startswith("{")
    assert platform.rooms() == []
    assert (await api.post(f"{API}/interviews", json=room_body())).json()["errcode"] == 0
    assert len(platform.rooms()) == 1
    assert platform.stats()["faults_applied"] == 1


async def test_fault_on_one_endpoint_leaves_others_alone(
    api: httpx.AsyncClient, platform: PlatformControl
) -> None:
    platform.fault(path="interviews:list", errcode=-1)
    assert (await api.get(f"{API}/interviews")).json()["errcode"] == -1
    assert (await api.post(f"{API}/interviews", json=room_body())).json()["errcode"] == 0
    assert (await api.get(f"{API}/exams")).json()["errcode"] == 0


async def test_faults_listed_counted_down_and_cleared(platform: PlatformControl) -> None:
    platform.fault(path="exams", errcode=-1, times=2)
    platform.fault(path="webhook", drop=True)
    assert [(f["path"], f["times"]) for f in platform.faults()] == [("exams", 2), ("webhook", None)]
    assert platform.clear_faults() == 2 and platform.faults() == []


@pytest.mark.parametrize(
    "fault",
    [
        {"path": "interviews", "errcode": -1},
        {"path": "exams"},
        {"path": "exams", "errcode": 0},
        {"path": "exams", "http_status": 200},
        {"path": "exams", "errcode": -1, "http_status": 500},
        {"path": "exams", "delay_s": 500},
        {"path": "exams", "drop": True},
        {"path": "webhook", "errcode": -1},
        {"path": "webhook", "drop": True, "times": 0},
        {"path": "exams", "errcode": -1, "times": 1, "ratio": 0.5},
    ],
)
def test_fault_control_refuses_nonsense(platform: PlatformControl, fault: dict[str, Any]) -> None:
    response = platform.http.post("/_control/faults", json=fault)
    assert response.status_code == 400 and response.json()["error"]


async def test_reset_forgets_rooms_faults_and_stats(
    api: httpx.AsyncClient, platform: PlatformControl
) -> None:
    await api.post(f"{API}/interviews", json=room_body())
    platform.fault(path="*", errcode=-1)
    platform.reset()
    assert platform.rooms() == [] and platform.faults() == []
    assert platform.stats()["calls"] == {}
    assert (await api.get(f"{API}/exams")).json()["errcode"] == 0


class TestLatency:
    @pytest.fixture
    def platform_config(self) -> PlatformSandboxConfig:
        return PlatformSandboxConfig(latency_s=0.2, retry_scale=0.01)

    async def test_every_answer_waits_latency(self, api: httpx.AsyncClient) -> None:
        started = time.monotonic()
        assert (await api.get(f"{API}/exams")).json()["errcode"] == 0
        assert time.monotonic() - started >= 0.19
