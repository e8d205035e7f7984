"""Sandbox identity and contacts over real HTTP: login codes, user tickets, members, schedules."""

from __future__ import annotations

from datetime import time
from typing import Any

import httpx
import pytest

from portal.clock import FrozenClock
from portal.wecom.sandbox import (
    DEMO_ADMIN_USERID,
    DEMO_AGENT_ID,
    DEMO_DISABLED_USERID,
    DEMO_HR_DEPARTMENT_ID,
    DEMO_HR_TAG_ID,
    DEMO_HR_USERID,
    DEMO_INTERVIEWER_USERID,
    DEMO_LEFT_USERID,
)
from tests.support.sandbox import SandboxControl
from tests.support.when import NOW, days_after

ME = DEMO_INTERVIEWER_USERID
START = int(days_after(NOW, 1, time(14)).timestamp())  # tomorrow 14:00 in Shanghai


async def _get(http: httpx.AsyncClient, token: str, path: str, **params: str) -> dict[str, Any]:
    response = await http.get(f"/cgi-bin/{path}", params={"access_token": token, **params})
    assert response.status_code == 200
    answer: dict[str, Any] = response.json()
    return answer


async def _post(http: httpx.AsyncClient, token: str, path: str, body: Any) -> dict[str, Any]:
    response = await http.post(f"/cgi-bin/{path}", params={"access_token": token}, json=body)
    answer: dict[str, Any] = response.json()
    return answer


async def test_getuserinfo_member_code_returns_lowercase_userid(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    code = sandbox.code_for(ME)
    answer = await _get(sandbox_http, access_token, "auth/getuserinfo", code=code)
    assert answer == {"errcode": 0, "errmsg": "ok", "userid": ME}


async def test_getuserinfo_code_is_single_use(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    code = sandbox.code_for(ME)
    assert (await _get(sandbox_http, access_token, "auth/getuserinfo", code=code))["errcode"] == 0
    again = await _get(sandbox_http, access_token, "auth/getuserinfo", code=code)
    assert again["errcode"] == 40029


@pytest.mark.parametrize(("wait", "errcode"), [(299, 0), (300, 40029)])
async def test_getuserinfo_code_expires_after_five_minutes(
    sandbox_http: httpx.AsyncClient,
    sandbox: SandboxControl,
    access_token: str,
    clock: FrozenClock,
    wait: int,
    errcode: int,
) -> None:
    code = sandbox.code_for(ME)
    clock.advance(wait)
    answer = await _get(sandbox_http, access_token, "auth/getuserinfo", code=code)
    assert answer["errcode"] == errcode


async def test_getuserinfo_unknown_code_answers_40029(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    answer = await _get(sandbox_http, access_token, "auth/getuserinfo", code="forged")
    assert answer["errcode"] == 40029


async def test_getuserinfo_outsider_code_returns_openid_only(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    code = sandbox.code_for_openid("o_personal_wechat")
    answer = await _get(sandbox_http, access_token, "auth/getuserinfo", code=code)
    assert answer["openid"] == "o_personal_wechat" and "userid" not in answer


async def test_legacy_getuserinfo_uses_capitalised_keys(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    code = sandbox.code_for(ME)
    answer = await _get(sandbox_http, access_token, "user/getuserinfo", code=code)
    assert answer["UserId"] == ME and answer["DeviceId"] and "userid" not in answer
    outsider = sandbox.code_for_openid("o_x")
    answer = await _get(sandbox_http, access_token, "user/getuserinfo", code=outsider)
    assert answer["OpenId"] == "o_x" and "UserId" not in answer


async def test_privateinfo_code_gives_user_ticket_for_getuserdetail(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    code = sandbox.code_for(ME, scope="snsapi_privateinfo")
    info = await _get(sandbox_http, access_token, "auth/getuserinfo", code=code)
    body = {"user_ticket": info["user_ticket"]}
    detail = await _post(sandbox_http, access_token, "auth/getuserdetail", body)
    assert detail["errcode"] == 0 and detail["userid"] == ME and detail["gender"] == "1"
    sandbox.advance(1800)
    expired = await _post(sandbox_http, access_token, "auth/getuserdetail", body)
    assert expired["errcode"] == 84014
    forged = await _post(sandbox_http, access_token, "auth/getuserdetail", {"user_ticket": "x"})
    assert forged["errcode"] == 84015


async def test_control_codes_unknown_userid_is_404(sandbox_http: httpx.AsyncClient) -> None:
    response = await sandbox_http.post("/_control/codes", json={"userid": "nobody"})
    assert response.status_code == 404 and "error" in response.json()


async def test_user_get_member_returns_profile_fields(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    answer = await _get(sandbox_http, access_token, "user/get", userid="ZhangWei")
    assert answer["errcode"] == 0 and answer["userid"] == ME and answer["name"] == "张伟"
    assert answer["alias"] == "Zhang Wei" and answer["status"] == 1
    assert answer["department"] == [6] and answer["main_department"] == 6
    assert "mobile" not in answer and "email" not in answer


@pytest.mark.parametrize(
    ("userid", "errcode", "status"),
    [(DEMO_DISABLED_USERID, 0, 2), (DEMO_LEFT_USERID, 60111, None), ("nobody", 60111, None)],
)
async def test_user_get_status_and_unknown_rules(
    sandbox_http: httpx.AsyncClient, access_token: str, userid: str, errcode: int, status: int
) -> None:
    answer = await _get(sandbox_http, access_token, "user/get", userid=userid)
    assert answer["errcode"] == errcode and answer.get("status") == status


async def test_user_get_missing_userid_answers_41009(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    assert (await _get(sandbox_http, access_token, "user/get"))["errcode"] == 41009


async def test_user_simplelist_hr_department_lists_hr_members(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    dept = str(DEMO_HR_DEPARTMENT_ID)
    answer = await _get(sandbox_http, access_token, "user/simplelist", department_id=dept)
    assert {u["userid"] for u in answer["userlist"]} == {DEMO_HR_USERID, "zhaolei"}


async def test_user_list_fetch_child_includes_subdepartments(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    flat = await _get(sandbox_http, access_token, "user/list", department_id="2")
    deep = await _get(sandbox_http, access_token, "user/list", department_id="2", fetch_child="1")
    flat_ids = {u["userid"] for u in flat["userlist"]}
    deep_ids = {u["userid"] for u in deep["userlist"]}
    assert ME not in flat_ids and ME in deep_ids and DEMO_ADMIN_USERID in flat_ids
    assert DEMO_LEFT_USERID not in deep_ids and DEMO_DISABLED_USERID in flat_ids


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("user/simplelist", {"department_id": "999"}),
        ("user/list", {}),
        ("department/get", {"id": "999"}),
        ("department/list", {"id": "x"}),
    ],
)
async def test_departments_unknown_id_answers_60123(
    sandbox_http: httpx.AsyncClient, access_token: str, path: str, params: dict[str, str]
) -> None:
    assert (await _get(sandbox_http, access_token, path, **params))["errcode"] == 60123


async def test_department_list_returns_tree_with_english_names(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    answer = await _get(sandbox_http, access_token, "department/list")
    by_id = {d["id"]: d for d in answer["department"]}
    assert (
        by_id[1]["parentid"] == 0 and by_id[DEMO_HR_DEPARTMENT_ID]["name_en"] == "Human Resources"
    )
    subtree = await _get(sandbox_http, access_token, "department/simplelist", id="2")
    assert [d["id"] for d in subtree["department_id"]] == [2, 6]
    one = await _get(sandbox_http, access_token, "department/get", id="4")
    assert one["department"]["name"] == "人力资源部"


async def test_tags_hr_tag_lists_hr_members(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    tags = await _get(sandbox_http, access_token, "tag/list")
    assert {"tagid": DEMO_HR_TAG_ID, "tagname": "HR"} in tags["taglist"]
    tag = await _get(sandbox_http, access_token, "tag/get", tagid=str(DEMO_HR_TAG_ID))
    assert tag["tagname"] == "HR" and [u["userid"] for u in tag["userlist"]] == [
        DEMO_HR_USERID,
        "zhaolei",
    ]
    assert (await _get(sandbox_http, access_token, "tag/get", tagid="99"))["errcode"] == 40068
    assert (await _get(sandbox_http, access_token, "tag/get"))["errcode"] == 41017


def _schedule(**changes: Any) -> dict[str, Any]:
    schedule = {
        "start_time": START,
        "end_time": START + 3600,
        "attendees": [{"userid": ME}],
        "summary": "Interview: Wang Wu",
        "reminders": {"is_remind": 1, "remind_before_event_secs": 900},
        **changes,
    }
    return {"schedule": schedule, "agentid": DEMO_AGENT_ID}


async def test_schedule_add_update_get_del_round_trip(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    added = await _post(sandbox_http, access_token, "oa/schedule/add", _schedule())
    schedule_id = added["schedule_id"]
    update = _schedule(schedule_id=schedule_id, location="Room 3")
    assert (await _post(sandbox_http, access_token, "oa/schedule/update", update))["errcode"] == 0
    body = {"schedule_id_list": [schedule_id]}
    [got] = (await _post(sandbox_http, access_token, "oa/schedule/get", body))["schedule_list"]
    assert got["location"] == "Room 3" and got["status"] == 0
    delete = {"schedule_id": schedule_id}
    assert (await _post(sandbox_http, access_token, "oa/schedule/del", delete))["errcode"] == 0
    [listed] = sandbox.schedules()
    assert listed["schedule_id"] == schedule_id and listed["status"] == 1


@pytest.mark.parametrize(
    ("body", "errcode"),
    [
        (_schedule(end_time=START), 40058),
        (_schedule(start_time="soon"), 40058),
        (_schedule(attendees=[{"userid": "nobody"}]), 40003),
        (_schedule(summary="x" * 129), 40058),
        ({"agentid": DEMO_AGENT_ID}, 40058),
        ({**_schedule(), "agentid": 42}, 301002),
    ],
    ids=["end-before-start", "bad-start", "unknown-attendee", "long-summary", "none", "agent"],
)
async def test_schedule_add_invalid_answers_errcode(
    sandbox_http: httpx.AsyncClient, access_token: str, body: dict[str, Any], errcode: int
) -> None:
    assert (await _post(sandbox_http, access_token, "oa/schedule/add", body))["errcode"] == errcode


async def test_schedule_update_unknown_id_answers_40058(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    body = _schedule(schedule_id="missing")
    assert (await _post(sandbox_http, access_token, "oa/schedule/update", body))["errcode"] == 40058
