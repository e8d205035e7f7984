"""Sandbox message rules over real HTTP: recipients, bodies, limits, dedupe, recall, cards."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from portal.clock import FrozenClock
from portal.wecom.sandbox import (
    DEMO_AGENT_ID,
    DEMO_CORP_ID,
    DEMO_DISABLED_USERID,
    DEMO_HR_DEPARTMENT_ID,
    DEMO_HR_TAG_ID,
    DEMO_INTERVIEWER_USERID,
    DEMO_LEFT_USERID,
    DEMO_SECRET,
)
from tests.support.sandbox import SandboxControl
from tests.support.when import NOW, local_day

ME = DEMO_INTERVIEWER_USERID
TOMORROW = local_day(NOW, 1).isoformat()


def text(
    touser: str = ME, content: str = "Interview tomorrow 14:00", **extra: Any
) -> dict[str, Any]:
    return {
        "touser": touser,
        "msgtype": "text",
        "agentid": DEMO_AGENT_ID,
        "text": {"content": content},
        **extra,
    }


def button_card(task_id: str = "itv42-r2", touser: str = ME) -> dict[str, Any]:
    return {
        "touser": touser,
        "msgtype": "template_card",
        "agentid": DEMO_AGENT_ID,
        "template_card": {
            "card_type": "button_interaction",
            "main_title": {"title": "Can you interview Wang Wu?", "desc": f"{TOMORROW} 14:00"},
            "task_id": task_id,
            "button_list": [
                {"text": "Accept", "style": 1, "key": "rsvp:42:accept"},
                {"text": "Decline", "style": 2, "key": "rsvp:42:decline"},
            ],
        },
    }


async def send(http: httpx.AsyncClient, token: str, body: Any) -> dict[str, Any]:
    response = await http.post("/cgi-bin/message/send", params={"access_token": token}, json=body)
    assert response.status_code == 200
    answer: dict[str, Any] = response.json()
    return answer


async def test_send_text_delivers_and_returns_msgid(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, clock: FrozenClock, access_token: str
) -> None:
    answer = await send(sandbox_http, access_token, text())
    assert answer["errcode"] == 0 and answer["msgid"] and answer["invaliduser"] == ""
    [message] = sandbox.messages(ME)
    assert message["msgid"] == answer["msgid"] and message["touser"] == ME
    assert message["msgtype"] == "text" and message["agentid"] == DEMO_AGENT_ID
    assert message["body"] == {"content": "Interview tomorrow 14:00"}
    assert message["time"] == clock.timestamp()  # delivered at the test's frozen now


async def test_send_some_unknown_users_lists_them_lowercased(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    touser = f"{ME}|NoSuchPerson|{DEMO_DISABLED_USERID}|{DEMO_LEFT_USERID}"
    answer = await send(sandbox_http, access_token, text(touser))
    assert answer["errcode"] == 0
    assert answer["invaliduser"].split("|") == ["nosuchperson", DEMO_DISABLED_USERID, "gaojun"]
    assert len(sandbox.messages(ME)) == 1


@pytest.mark.parametrize(
    "touser", ["nobody", f"nobody|{DEMO_DISABLED_USERID}", DEMO_LEFT_USERID, ""]
)
async def test_send_all_recipients_invalid_answers_81013(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str, touser: str
) -> None:
    answer = await send(sandbox_http, access_token, text(touser))
    assert answer["errcode"] == 81013
    assert sandbox.messages() == []


async def test_send_to_party_and_tag_expands_members(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    body = text("", toparty=f"{DEMO_HR_DEPARTMENT_ID}|999", totag=f"{DEMO_HR_TAG_ID}|77")
    answer = await send(sandbox_http, access_token, body)
    assert answer["errcode"] == 0
    assert answer["invalidparty"] == "999" and answer["invalidtag"] == "77"
    recipients = {m["touser"] for m in sandbox.messages()}
    assert recipients == {"liuyang", "zhaolei"}


async def test_send_at_all_reaches_every_active_member(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    assert (await send(sandbox_http, access_token, text("@all")))["errcode"] == 0
    recipients = {m["touser"] for m in sandbox.messages()}
    assert ME in recipients and DEMO_DISABLED_USERID not in recipients
    assert DEMO_LEFT_USERID not in recipients and len(recipients) == 11


def _card_with(**changes: Any) -> dict[str, Any]:
    body = button_card()
    body["template_card"].update(changes)
    return body


@pytest.mark.parametrize(
    ("body", "errcode"),
    [
        ({**text(), "agentid": 1000003}, 301002),
        ({**text(), "agentid": "abc"}, 40056),
        ({k: v for k, v in text().items() if k != "agentid"}, 41011),
        ({**text(), "msgtype": "fax"}, 40008),
        ({**text(), "msgtype": "image"}, 48001),
        (text(content=""), 44004),
        ({**text(), "text": "hello"}, 44004),
        ({**text(), "touser": ["zhangwei"]}, 40058),
        ({**text(), "msgtype": "markdown", "markdown": {"content": " "}}, 44004),
        ({**text(), "msgtype": "textcard", "textcard": {"title": "T", "url": "https://x"}}, 41033),
        (
            {**text(), "msgtype": "textcard", "textcard": {"description": "D", "url": "https://x"}},
            41016,
        ),
        ({**text(), "msgtype": "textcard", "textcard": {"title": "T", "description": "D"}}, 41010),
        (
            {
                **text(),
                "msgtype": "textcard",
                "textcard": {"title": "T", "description": "D", "url": "ftp://x"},
            },
            40094,
        ),
        ({**text(), "msgtype": "news", "news": {"articles": []}}, 40058),
        (
            {
                **text(),
                "msgtype": "news",
                "news": {"articles": [{"title": "t", "url": "https://x"}] * 9},
            },
            45008,
        ),
        ({**text(), "msgtype": "news", "news": {"articles": [{"url": "https://x"}]}}, 41016),
        (_card_with(card_type="poll"), 40058),
        (_card_with(task_id=""), 40058),
        (_card_with(task_id="has space"), 40058),
        (_card_with(button_list=[]), 40058),
        (_card_with(button_list=[{"text": "A", "key": "k"}, {"text": "B", "key": "k"}]), 40058),
        (_card_with(main_title={}), 40058),
        (_card_with(card_type="text_notice", task_id=None, button_list=None), 40058),
    ],
    ids=lambda value: str(value) if isinstance(value, int) else None,
)
async def test_send_invalid_body_answers_errcode(
    sandbox_http: httpx.AsyncClient, access_token: str, body: dict[str, Any], errcode: int
) -> None:
    assert (await send(sandbox_http, access_token, body))["errcode"] == errcode


@pytest.mark.parametrize(
    ("raw", "errcode"),
    [(b"{not json", 47001), (b"[1, 2]", 47001), (b'{"touser": "\\u5f20"}', 40033)],
    ids=["broken", "not-object", "escaped-chinese"],
)
async def test_send_bad_json_answers_errcode(
    sandbox_http: httpx.AsyncClient, access_token: str, raw: bytes, errcode: int
) -> None:
    response = await sandbox_http.post(
        "/cgi-bin/message/send", params={"access_token": access_token}, content=raw
    )
    assert response.json()["errcode"] == errcode


async def test_send_with_get_answers_43002(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    params = {"access_token": access_token}
    assert (await sandbox_http.get("/cgi-bin/message/send", params=params)).json()[
        "errcode"
    ] == 43002


async def test_send_overlong_text_is_truncated_on_a_character_boundary(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    assert (await send(sandbox_http, access_token, text(content="面" * 1000)))["errcode"] == 0
    [message] = sandbox.messages(ME)
    assert message["truncated"] is True
    assert message["body"]["content"] == "面" * 682  # 3 bytes each, at most 2048 bytes


async def test_send_duplicate_check_suppresses_identical_request(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, clock: FrozenClock, access_token: str
) -> None:
    body = text(enable_duplicate_check=1, duplicate_check_interval=60)
    first = await send(sandbox_http, access_token, body)
    again = await send(sandbox_http, access_token, body)
    assert again == first and len(sandbox.messages(ME)) == 1
    assert sandbox.stats()["duplicates_suppressed"] == 1
    clock.advance(60)
    later = await send(sandbox_http, access_token, body)
    assert later["msgid"] != first["msgid"] and len(sandbox.messages(ME)) == 2


async def test_send_without_duplicate_check_delivers_twice(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    for _ in range(2):
        await send(sandbox_http, access_token, text())
    assert len(sandbox.messages(ME)) == 2


async def test_send_over_30_per_minute_drops_silently_and_counts(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, clock: FrozenClock, access_token: str
) -> None:
    for n in range(31):
        answer = await send(sandbox_http, access_token, text(content=f"n{n}"))
        assert answer["errcode"] == 0 and answer["msgid"]
    assert len(sandbox.messages(ME)) == 30
    stats = sandbox.stats()
    assert stats["dropped_rate_limited"] == 1 and stats["calls"]["message/send"] == 31
    assert len(sandbox.messages("liuyang")) == 0
    clock.advance(61)
    await send(sandbox_http, access_token, text(content="after a minute"))
    assert len(sandbox.messages(ME)) == 31


async def test_send_interaction_card_returns_response_code_and_reused_task_id_fails(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    answer = await send(sandbox_http, access_token, button_card())
    assert answer["errcode"] == 0 and answer["response_code"]
    [message] = sandbox.messages(ME)
    assert message["card"]["response_code"] == answer["response_code"]
    assert message["card"]["card_type"] == "button_interaction"
    assert (await send(sandbox_http, access_token, button_card()))["errcode"] == 40058


async def test_send_text_notice_card_has_no_response_code(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    body = _card_with(
        card_type="text_notice", card_action={"type": 1, "url": "https://portal/i/42"}
    )
    del body["template_card"]["button_list"], body["template_card"]["task_id"]
    answer = await send(sandbox_http, access_token, body)
    assert answer["errcode"] == 0 and "response_code" not in answer


async def _recall(http: httpx.AsyncClient, token: str, msgid: str) -> int:
    params = {"access_token": token}
    response = await http.post("/cgi-bin/message/recall", params=params, json={"msgid": msgid})
    return int(response.json()["errcode"])


async def test_recall_recent_message_marks_it_recalled(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    msgid = (await send(sandbox_http, access_token, text()))["msgid"]
    assert await _recall(sandbox_http, access_token, msgid) == 0
    assert sandbox.messages(ME)[0]["recalled"] is True


async def test_recall_unknown_or_day_old_message_answers_40058(
    sandbox_http: httpx.AsyncClient, clock: FrozenClock, access_token: str
) -> None:
    assert await _recall(sandbox_http, access_token, "nope") == 40058
    msgid = (await send(sandbox_http, access_token, text()))["msgid"]
    clock.advance(24 * 3600 + 1)
    params = {"corpid": DEMO_CORP_ID, "corpsecret": DEMO_SECRET}
    fresh = (await sandbox_http.get("/cgi-bin/gettoken", params=params)).json()["access_token"]
    assert await _recall(sandbox_http, fresh, msgid) == 40058


async def _update(http: httpx.AsyncClient, token: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await http.post(
        "/cgi-bin/message/update_template_card",
        params={"access_token": token},
        json={"agentid": DEMO_AGENT_ID, **body},
    )
    answer: dict[str, Any] = response.json()
    return answer


async def test_update_template_card_replace_name_once_per_response_code(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    code = (await send(sandbox_http, access_token, button_card()))["response_code"]
    body = {"userids": [ME], "response_code": code, "button": {"replace_name": "Accepted"}}
    assert await _update(sandbox_http, access_token, body) == {
        "errcode": 0,
        "errmsg": "ok",
        "invaliduser": [],
    }
    card = sandbox.messages(ME)[0]["card"]
    assert card["replace_name"] == "Accepted" and card["updates"] == 1
    assert (await _update(sandbox_http, access_token, body))["errcode"] == 40058


async def test_update_template_card_whole_card_replaces_stored_card(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str
) -> None:
    code = (await send(sandbox_http, access_token, button_card()))["response_code"]
    new_card = {
        "card_type": "text_notice",
        "main_title": {"title": "Thanks, you accepted"},
        "card_action": {"type": 1, "url": "https://portal.example.com/i/42"},
    }
    body = {"atall": 1, "response_code": code, "template_card": new_card}
    assert (await _update(sandbox_http, access_token, body))["errcode"] == 0
    message = sandbox.messages(ME)[0]
    assert message["body"] == new_card and message["card"]["card_type"] == "text_notice"


@pytest.mark.parametrize(
    ("body", "errcode"),
    [
        ({"userids": [ME], "response_code": "made-up", "button": {"replace_name": "x"}}, 40058),
        ({"userids": [ME], "response_code": "{code}"}, 40058),
        ({"userids": [ME], "response_code": "{code}", "button": {}}, 40058),
        (
            {"userids": ["liuyang"], "response_code": "{code}", "button": {"replace_name": "x"}},
            81013,
        ),
        (
            {
                "userids": [ME],
                "response_code": "{code}",
                "agentid": 1,
                "button": {"replace_name": "x"},
            },
            301002,
        ),
    ],
    ids=["unknown-code", "no-update", "empty-button", "not-a-recipient", "wrong-agent"],
)
async def test_update_template_card_invalid_answers_errcode(
    sandbox_http: httpx.AsyncClient, access_token: str, body: dict[str, Any], errcode: int
) -> None:
    code = (await send(sandbox_http, access_token, button_card()))["response_code"]
    if body["response_code"] == "{code}":
        body = {**body, "response_code": code}
    assert (await _update(sandbox_http, access_token, body))["errcode"] == errcode
