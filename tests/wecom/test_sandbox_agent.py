"""agent/get over real HTTP (the app's visible range, from the sandbox's config) and errcode
faults that carry WeCom's own errmsg (60020 naming the caller's IP)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from portal.wecom import AppInfo, IpNotAllowed, WeComClient
from portal.wecom.sandbox import DEMO_AGENT_ID, SandboxConfig
from portal.wecom.sandbox.config import VisibleRange
from tests.support.sandbox import SandboxControl

UNTRUSTED = (
    "not allow to access from your ip, hint: [1732000000_22_abcdef], from ip: 203.0.113.7, "
    "more info at https://open.work.weixin.qq.com/devtool/query?e=60020"
)


@pytest.fixture
def wecom_config() -> SandboxConfig:
    visible = VisibleRange(userids=("liuyang",), department_ids=(2, 3), tag_ids=(2,))
    return SandboxConfig(visible=visible)


async def _agent_get(http: httpx.AsyncClient, token: str, agentid: str) -> dict[str, Any]:
    params = {"access_token": token, "agentid": agentid}
    answer: dict[str, Any] = (await http.get("/cgi-bin/agent/get", params=params)).json()
    return answer


async def test_agent_get_answers_wecoms_shape_from_the_config(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    answer = await _agent_get(sandbox_http, access_token, str(DEMO_AGENT_ID))
    assert answer["errcode"] == 0 and answer["agentid"] == DEMO_AGENT_ID
    assert answer["allow_userinfos"] == {"user": [{"userid": "liuyang"}]}
    assert answer["allow_partys"] == {"partyid": [2, 3]}
    assert answer["allow_tags"] == {"tagid": [2]}
    assert answer["close"] == 0 and answer["name"]


@pytest.mark.parametrize(("agentid", "errcode"), [("", 41011), ("x", 40056), ("1000003", 301002)])
async def test_agent_get_refuses_another_or_no_agent(
    sandbox_http: httpx.AsyncClient, access_token: str, agentid: str, errcode: int
) -> None:
    assert (await _agent_get(sandbox_http, access_token, agentid))["errcode"] == errcode


async def test_client_agent_get_reads_the_visible_range(wecom_client: WeComClient) -> None:
    app = await wecom_client.agent.get()
    assert app == AppInfo(DEMO_AGENT_ID, app.name, False, ("liuyang",), (2, 3), (2,))


async def test_errcode_fault_carries_wecoms_errmsg(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    fault = sandbox.fault(path="department/simplelist", errcode=60020, errmsg=UNTRUSTED)
    assert fault["errmsg"] == UNTRUSTED
    with pytest.raises(IpNotAllowed) as refused:
        await wecom_client.user.list_department_ids()
    assert refused.value.errmsg == UNTRUSTED


async def test_errcode_fault_without_errmsg_names_the_sandboxs_ip(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    sandbox.fault(path="department/simplelist", errcode=60020)
    with pytest.raises(IpNotAllowed) as refused:
        await wecom_client.user.list_department_ids()
    assert "not allow to access from your ip" in refused.value.errmsg
    assert "from ip: 127.0.0.1" in refused.value.errmsg


@pytest.mark.parametrize(
    "fault",
    [
        {"path": "gettoken", "http_status": 502, "errmsg": "x"},
        {"path": "gettoken", "errcode": 60020, "errmsg": 7},
        {"path": "gettoken", "errcode": 60020, "errmsg": "x" * 1025},
    ],
)
def test_fault_errmsg_must_be_text_with_an_errcode(
    sandbox: SandboxControl, fault: dict[str, Any]
) -> None:
    with pytest.raises(httpx.HTTPStatusError) as refused:
        sandbox.fault(**fault)
    assert refused.value.response.status_code == 400
