"""Sandbox fault injection over real HTTP: errcodes, HTTP statuses, delays, times, ratio."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from portal.wecom.sandbox import DEMO_AGENT_ID, DEMO_INTERVIEWER_USERID
from tests.support.sandbox import SandboxControl

TEXT = {
    "touser": DEMO_INTERVIEWER_USERID,
    "msgtype": "text",
    "agentid": DEMO_AGENT_ID,
    "text": {"content": "hello"},
}


async def _send(http: httpx.AsyncClient, token: str) -> httpx.Response:
    return await http.post("/cgi-bin/message/send", params={"access_token": token}, json=TEXT)


async def test_fault_errcode_times_applies_then_stops(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    sandbox.fault(path="message/send", errcode=45009, times=3)
    codes = [(await _send(sandbox_http, access_token)).json()["errcode"] for _ in range(4)]
    assert codes == [45009, 45009, 45009, 0]
    stats = sandbox.stats()
    assert stats["calls"]["message/send"] == 4 and stats["faults_applied"] == 3
    assert stats["messages_delivered"] == 1
    assert sandbox.faults() == []


@pytest.mark.parametrize("errcode", [-1, 45009, 45033, 40014, 42001, 60020])
async def test_fault_errcode_answers_http_200_with_errcode(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str, errcode: int
) -> None:
    sandbox.fault(path="/cgi-bin/message/send", errcode=errcode, times=1)
    response = await _send(sandbox_http, access_token)
    assert response.status_code == 200 and response.json()["errcode"] == errcode
    assert f"e={errcode}" in response.json()["errmsg"]


async def test_fault_http_status_on_gettoken_answers_that_status(
    sandbox_http: httpx.AsyncClient,
    sandbox: SandboxControl,
) -> None:
    sandbox.fault(path="gettoken", http_status=503)
    for _ in range(2):
        assert (await sandbox_http.get("/cgi-bin/gettoken")).status_code == 503
    assert sandbox.clear_faults() == 1
    assert (await sandbox_http.get("/cgi-bin/gettoken")).json()["errcode"] == 41002


async def test_fault_applies_before_token_check(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl
) -> None:
    sandbox.fault(path="user/get", errcode=-1, times=1)
    answer = (await sandbox_http.get("/cgi-bin/user/get")).json()
    assert answer["errcode"] == -1


async def test_fault_delay_makes_client_time_out_then_call_proceeds(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    sandbox.fault(path="message/send", delay_s=0.4, times=1)
    with pytest.raises(httpx.ReadTimeout):
        await sandbox_http.post(
            "/cgi-bin/message/send",
            params={"access_token": access_token},
            json=TEXT,
            timeout=0.1,
        )
    assert (await _send(sandbox_http, access_token)).json()["errcode"] == 0


async def test_fault_delay_with_errcode_waits_then_answers_errcode(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    sandbox.fault(path="message/send", delay_s=0.05, errcode=-1, times=1)
    assert (await _send(sandbox_http, access_token)).json()["errcode"] == -1


@pytest.mark.parametrize(("ratio", "low", "high"), [(0.0, 0, 0), (1.0, 40, 40), (0.5, 10, 30)])
async def test_fault_ratio_hits_a_share_of_calls(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, ratio: float, low: int, high: int
) -> None:
    sandbox.fault(path="tag/list", errcode=-1, ratio=ratio, seed=7)
    codes = [(await sandbox_http.get("/cgi-bin/tag/list")).json()["errcode"] for _ in range(40)]
    assert low <= codes.count(-1) <= high
    assert codes.count(-1) + codes.count(41001) == 40


async def test_fault_wildcard_path_covers_every_endpoint(
    sandbox_http: httpx.AsyncClient,
    sandbox: SandboxControl,
) -> None:
    sandbox.fault(path="*", http_status=502, times=2)
    assert (await sandbox_http.get("/cgi-bin/gettoken")).status_code == 502
    assert (await sandbox_http.get("/cgi-bin/user/get")).status_code == 502
    assert (await sandbox_http.get("/cgi-bin/user/get")).json()["errcode"] == 41001


async def test_fault_other_path_is_unaffected(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    sandbox.fault(path="gettoken", errcode=-1)
    assert (await _send(sandbox_http, access_token)).json()["errcode"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"path": "message/send"},
        {"path": "message/send", "errcode": 0},
        {"path": "message/send", "http_status": 200},
        {"path": "message/send", "delay_s": -1},
        {"path": "message/send", "errcode": -1, "times": 0},
        {"path": "message/send", "errcode": -1, "ratio": 2},
        {"path": "message/send", "errcode": -1, "ratio": 0.5, "times": 2},
        {"path": "message/send", "errcode": "45009"},
        {"path": "message/send", "errcode": -1, "seed": [1]},
    ],
)
async def test_control_faults_invalid_body_is_400(
    sandbox_http: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    response = await sandbox_http.post("/_control/faults", json=body)
    assert response.status_code == 400 and response.json()["error"]


async def test_control_faults_list_and_clear(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl
) -> None:
    fault = sandbox.fault(path="message/send", errcode=45009, times=3)
    assert fault["path"] == "message/send" and fault["times"] == 3
    assert (await sandbox_http.get("/_control/faults")).json() == {"faults": [fault]}
    assert (await sandbox_http.delete("/_control/faults")).json() == {"cleared": 1}
    assert sandbox.faults() == []


async def test_control_stats_counts_calls_per_endpoint(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    await _send(sandbox_http, access_token)
    await sandbox_http.get("/cgi-bin/tag/list", params={"access_token": access_token})
    stats = sandbox.stats()
    assert stats["calls"] == {"gettoken": 1, "message/send": 1, "tag/list": 1}
    assert stats["dropped_rate_limited"] == 0 and stats["messages_delivered"] == 1


async def test_control_bad_json_is_400(sandbox_http: httpx.AsyncClient) -> None:
    response = await sandbox_http.post("/_control/advance", content=b"{oops")
    assert response.status_code == 400
    response = await sandbox_http.post("/_control/advance", json={"seconds": -5})
    assert response.status_code == 400
