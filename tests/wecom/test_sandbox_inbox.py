"""Sandbox inboxes over real HTTP: rendering each message type, and card buttons that fire
encrypted template_card_event callbacks at a small receiving app."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup, Tag
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.clock import FrozenClock
from portal.wecom.crypto import WeComCrypto, parse_xml
from portal.wecom.sandbox import (
    DEMO_AGENT_ID,
    DEMO_CALLBACK_AES_KEY,
    DEMO_CALLBACK_TOKEN,
    DEMO_CORP_ID,
    DEMO_HR_USERID,
    DEMO_INTERVIEWER_USERID,
    DEMO_SECRET,
    SandboxConfig,
)
from tests.support.sandbox import SandboxControl
from tests.support.servers import serve_in_thread
from tests.support.when import NOW, local_day

ME = DEMO_INTERVIEWER_USERID
# The stand-in portal's crypto; it stamps its encrypted replies with the tests' NOW.
CRYPTO = WeComCrypto(DEMO_CALLBACK_TOKEN, DEMO_CALLBACK_AES_KEY, DEMO_CORP_ID, clock=NOW.timestamp)
DAY = local_day(NOW, 1).isoformat()  # the interview in these messages is tomorrow

TEXT = {"msgtype": "text", "text": {"content": "Plain <b>text</b>\nsecond line"}}
MARKDOWN = {
    "msgtype": "markdown",
    "markdown": {
        "content": '# Interview\n**Wang Wu** <font color="warning">moved</font>\n'
        f"> {DAY} 14:00\n[Open](https://portal.example.com/i/42) <script>alert(1)</script>"
    },
}
TEXTCARD = {
    "msgtype": "textcard",
    "textcard": {
        "title": "Interview scheduled",
        "description": f'<div class="gray">{DAY}</div><div class="highlight">14:00</div>'
        '<img src=x onerror="alert(1)">',
        "url": "https://portal.example.com/i/42",
        "btntxt": "Open",
    },
}
NEWS = {
    "msgtype": "news",
    "news": {
        "articles": [
            {"title": "Today", "description": "3 interviews", "url": "https://portal/today"},
            {"title": "Tomorrow", "url": "https://portal/tomorrow"},
        ]
    },
}
TEXT_NOTICE = {
    "msgtype": "template_card",
    "template_card": {
        "card_type": "text_notice",
        "source": {"desc": "Interview Portal", "desc_color": 3},
        "main_title": {"title": "Interview tomorrow", "desc": "Backend · round 2"},
        "emphasis_content": {"title": "14:00", "desc": "Asia/Shanghai"},
        "sub_title_text": "Candidate: Wang Wu",
        "horizontal_content_list": [
            {"keyname": "Room", "value": "Meeting room 3"},
            {"type": 1, "keyname": "Link", "value": "Open", "url": "javascript:alert(1)"},
        ],
        "jump_list": [{"type": 1, "title": "Open portal", "url": "https://portal/i/42"}],
        "card_action": {"type": 1, "url": "https://portal/i/42"},
    },
}
BUTTONS = {
    "msgtype": "template_card",
    "template_card": {
        "card_type": "button_interaction",
        "main_title": {"title": "Can you interview Wang Wu?", "desc": f"{DAY} 14:00"},
        "task_id": "itv42-r2-zhangwei",
        "button_list": [
            {"text": "Accept", "style": 1, "key": "rsvp:42:accept"},
            {"text": "Decline", "style": 2, "key": "rsvp:42:decline"},
            {"text": "Details", "type": 1, "url": "https://portal/i/42"},
        ],
    },
}


async def send(http: httpx.AsyncClient, token: str, body: dict[str, Any], touser: str = ME) -> Any:
    full = {"touser": touser, "agentid": DEMO_AGENT_ID, **body}
    response = await http.post("/cgi-bin/message/send", params={"access_token": token}, json=full)
    answer = response.json()
    assert answer["errcode"] == 0, answer
    return answer


async def inbox(http: httpx.AsyncClient, userid: str = ME, **params: str) -> BeautifulSoup:
    response = await http.get(f"/inbox/{userid}", params=params)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def only(page: BeautifulSoup | Tag, selector: str) -> Tag:
    found = page.select(selector)
    assert len(found) == 1, f"{selector}: {len(found)} matches"
    return found[0]


async def test_inbox_renders_each_message_type_newest_first(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    for body in (TEXT, MARKDOWN, TEXTCARD, NEWS, TEXT_NOTICE, BUTTONS):
        await send(sandbox_http, access_token, body)
    page = await inbox(sandbox_http)
    kinds = [a["data-msgtype"] for a in page.select("article.msg")]
    assert kinds == ["template_card", "template_card", "news", "textcard", "markdown", "text"]
    assert only(page, ".bubble.text").get_text() == "Plain <b>text</b>\nsecond line"
    markdown = only(page, ".bubble.markdown")
    assert only(markdown, "h3").get_text() == "Interview"
    assert only(markdown, "strong").get_text() == "Wang Wu"
    assert only(markdown, "span.md-warning").get_text() == "moved"
    assert only(markdown, "blockquote").get_text() == f"{DAY} 14:00"
    assert only(markdown, "a")["href"] == "https://portal.example.com/i/42"
    assert "<script>alert(1)</script>" in markdown.get_text()
    card = only(page, ".textcard")
    assert only(card, ".tc-gray").get_text() == DAY and only(card, ".tc-highlight")
    assert only(card, "a.more")["href"] == "https://portal.example.com/i/42"
    assert [only(a, "strong").get_text() for a in page.select(".news a.article")] == [
        "Today",
        "Tomorrow",
    ]
    assert page.select("script") == [] and page.select("article img") == []


async def test_inbox_text_notice_card_shows_fields_and_drops_unsafe_links(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    await send(sandbox_http, access_token, TEXT_NOTICE)
    card = only(await inbox(sandbox_http), ".card.card-text_notice")
    assert only(card, ".source.src-green").get_text() == "Interview Portal"
    assert only(card, ".title").get_text() == "Interview tomorrow"
    assert only(card, ".emphasis strong").get_text() == "14:00"
    assert [dt.get_text() for dt in card.select(".rows dt")] == ["Room", "Link"]
    assert card.select(".rows a") == []  # javascript: URL is not rendered as a link
    assert only(card, ".jumps a")["href"] == "https://portal/i/42"
    assert only(card, "a.card-action")["href"] == "https://portal/i/42"
    assert card.select("button") == []


async def test_inbox_button_card_has_one_form_per_callback_button(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    await send(sandbox_http, access_token, BUTTONS)
    card = only(await inbox(sandbox_http), ".card.card-button_interaction")
    keys = [b["value"] for b in card.select("form button[name=key]")]
    assert keys == ["rsvp:42:accept", "rsvp:42:decline"]
    assert only(card, "a.btn")["href"] == "https://portal/i/42"
    assert all(str(f["action"]).startswith(f"/inbox/{ME}/messages/") for f in card.select("form"))


async def test_inbox_recalled_message_shows_recalled_notice(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    msgid = (await send(sandbox_http, access_token, TEXT))["msgid"]
    await sandbox_http.post(
        "/cgi-bin/message/recall", params={"access_token": access_token}, json={"msgid": msgid}
    )
    page = await inbox(sandbox_http)
    assert only(page, "article.msg p.recalled") and page.select(".bubble") == []


async def test_inbox_index_lists_members_with_counts(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    await send(sandbox_http, access_token, TEXT)
    await send(sandbox_http, access_token, TEXT)
    page = BeautifulSoup(
        (await sandbox_http.get("/inbox", params={"lang": "en"})).text, "html.parser"
    )
    row = only(page, f'li.inbox-row[data-userid="{ME}"]')
    assert (
        only(row, ".count").get_text() == "2" and only(row, "a")["href"] == f"/inbox/{ME}?lang=en"
    )
    assert only(page, f'li.inbox-row[data-userid="{DEMO_HR_USERID}"] .count').get_text() == "0"
    assert only(page, "li.inbox-row.inactive")["data-userid"] == "huangmin"


async def test_inbox_unknown_member_is_404(sandbox_http: httpx.AsyncClient) -> None:
    assert (await sandbox_http.get("/inbox/nobody")).status_code == 404


async def _click(http: httpx.AsyncClient, key: str = "rsvp:42:accept") -> httpx.Response:
    page = await inbox(http)
    button = page.select_one(f'button[name=key][value="{key}"]')
    assert button is not None, "button not clickable"
    form = button.find_parent("form")
    assert form is not None
    return await http.post(str(form["action"]), data={"key": key, "lang": "zh"})


async def test_inbox_click_without_callback_url_reports_it(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    await send(sandbox_http, access_token, BUTTONS)
    assert only(await inbox(sandbox_http), ".callback-target .warn")
    response = await _click(sandbox_http)
    assert response.status_code == 303
    page = BeautifulSoup((await sandbox_http.get(response.headers["location"])).text, "html.parser")
    assert "callback_url is not configured" in only(page, ".callback-result.failed").get_text()


@dataclass
class Receiver:
    """A stand-in portal callback endpoint that records what WeCom (the sandbox) sent."""

    url: str = ""
    sandbox_base_url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    reply: str = ""
    update_with: str | None = None


def _receiver_app(receiver: Receiver) -> Starlette:
    async def callback(request: Request) -> Response:
        params = dict(request.query_params)
        body = await request.body()
        inner = CRYPTO.decrypt_message(
            body, params["msg_signature"], params["timestamp"], params["nonce"]
        )
        event = parse_xml(inner)
        receiver.requests.append({"params": params, "outer": parse_xml(body), "event": event})
        if receiver.update_with:
            await _update_card(receiver, event["ResponseCode"], receiver.update_with)
        return Response(receiver.reply, status_code=receiver.status)

    return Starlette(routes=[Route("/wecom/callback", callback, methods=["POST"])])


async def _update_card(receiver: Receiver, response_code: str, name: str) -> None:
    async with httpx.AsyncClient(base_url=receiver.sandbox_base_url) as http:
        token = (
            await http.get(
                "/cgi-bin/gettoken", params={"corpid": DEMO_CORP_ID, "corpsecret": DEMO_SECRET}
            )
        ).json()["access_token"]
        body = {
            "userids": [ME],
            "agentid": DEMO_AGENT_ID,
            "response_code": response_code,
            "button": {"replace_name": name},
        }
        response = await http.post(
            "/cgi-bin/message/update_template_card", params={"access_token": token}, json=body
        )
        assert response.json()["errcode"] == 0


@pytest.fixture(scope="module")
def _receiver_server() -> Iterator[Receiver]:
    receiver = Receiver()
    with serve_in_thread(_receiver_app(receiver), lifespan="off") as url:
        receiver.url = url + "/wecom/callback"
        yield receiver


class TestCardCallbacks:
    """The sandbox is configured with the receiver as its callback_url."""

    @pytest.fixture
    def receiver(self, _receiver_server: Receiver) -> Receiver:
        _receiver_server.requests.clear()
        _receiver_server.status, _receiver_server.reply = 200, ""
        _receiver_server.update_with = None
        return _receiver_server

    @pytest.fixture
    def wecom_config(self, receiver: Receiver) -> SandboxConfig:
        return SandboxConfig(callback_url=receiver.url)

    @pytest.fixture(autouse=True)
    async def card(
        self,
        receiver: Receiver,
        sandbox: SandboxControl,
        sandbox_http: httpx.AsyncClient,
        access_token: str,
    ) -> Any:
        receiver.sandbox_base_url = sandbox.base_url
        return await send(sandbox_http, access_token, BUTTONS)

    async def test_click_posts_encrypted_template_card_event(
        self,
        sandbox_http: httpx.AsyncClient,
        receiver: Receiver,
        card: dict[str, Any],
        clock: FrozenClock,
    ) -> None:
        response = await _click(sandbox_http, "rsvp:42:decline")
        assert response.status_code == 303
        [request] = receiver.requests
        assert set(request["params"]) == {"msg_signature", "timestamp", "nonce"}
        assert request["outer"]["ToUserName"] == DEMO_CORP_ID
        assert request["outer"]["AgentID"] == str(DEMO_AGENT_ID)
        event = request["event"]
        assert event["ToUserName"] == DEMO_CORP_ID and event["FromUserName"] == ME
        assert event["MsgType"] == "event" and event["Event"] == "template_card_event"
        assert event["EventKey"] == "rsvp:42:decline" and event["TaskId"] == "itv42-r2-zhangwei"
        assert event["CardType"] == "button_interaction" and event["AgentID"] == str(DEMO_AGENT_ID)
        assert event["ResponseCode"] and event["ResponseCode"] != card["response_code"]
        assert event["CreateTime"] == request["params"]["timestamp"]
        assert event["CreateTime"] == str(int(clock.timestamp()))  # on the test's clock

    async def test_click_result_page_shows_status(
        self, sandbox_http: httpx.AsyncClient, receiver: Receiver
    ) -> None:
        response = await _click(sandbox_http)
        page = BeautifulSoup(
            (await sandbox_http.get(response.headers["location"])).text, "html.parser"
        )
        result = only(page, ".callback-result.ok")
        assert "rsvp:42:accept" in result.get_text() and "200" in result.get_text()
        assert only(page, ".callback-target code").get_text() == receiver.url

    async def test_click_portal_updates_card_via_api_then_page_shows_it(
        self, sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, receiver: Receiver
    ) -> None:
        receiver.update_with = "Accepted"
        await _click(sandbox_http)
        card = only(await inbox(sandbox_http), ".card")
        assert only(card, "button.replaced").get_text() == "Accepted"
        assert card.select("button[name=key]") == []
        [message] = sandbox.messages()
        assert message["card"]["replace_name"] == "Accepted"
        assert message["card"]["clicks"] == ["rsvp:42:accept"]

    async def test_click_passive_update_button_reply_greys_buttons(
        self, sandbox_http: httpx.AsyncClient, receiver: Receiver
    ) -> None:
        reply = (
            f"<xml><ToUserName>{ME}</ToUserName><FromUserName>{DEMO_CORP_ID}</FromUserName>"
            f"<CreateTime>{int(NOW.timestamp())}</CreateTime><MsgType>update_button</MsgType>"
            "<Button><ReplaceName>Declined</ReplaceName></Button></xml>"
        )
        receiver.reply = CRYPTO.encrypt_message(reply)
        await _click(sandbox_http, "rsvp:42:decline")
        card = only(await inbox(sandbox_http), ".card")
        assert only(card, "button.replaced").get_text() == "Declined"

    async def test_click_portal_error_is_reported_as_failed(
        self, sandbox_http: httpx.AsyncClient, receiver: Receiver
    ) -> None:
        receiver.status = 500
        response = await _click(sandbox_http)
        page = BeautifulSoup(
            (await sandbox_http.get(response.headers["location"])).text, "html.parser"
        )
        assert "HTTP 500" in only(page, ".callback-result.failed").get_text()

    async def test_control_click_fires_callback_and_returns_record(
        self,
        sandbox_http: httpx.AsyncClient,
        sandbox: SandboxControl,
        receiver: Receiver,
        card: dict[str, Any],
    ) -> None:
        body = {"msgid": card["msgid"], "userid": ME, "key": "rsvp:42:accept"}
        answer = (await sandbox_http.post("/_control/click", json=body)).json()
        assert answer["callback"]["status"] == 200 and answer["callback"]["error"] is None
        assert len(receiver.requests) == 1
        [record] = sandbox.callbacks()
        assert record["key"] == "rsvp:42:accept" and record["url"] == receiver.url
        assert record == answer["callback"]

    @pytest.mark.parametrize(
        ("body", "status"),
        [
            ({"key": "rsvp:42:maybe"}, 409),
            ({"key": "https://portal/i/42"}, 409),
            ({"userid": DEMO_HR_USERID}, 404),
            ({"delivery_id": 99}, 404),
        ],
        ids=["unknown-key", "url-button", "other-member", "no-delivery"],
    )
    async def test_control_click_rejected_fires_nothing(
        self,
        sandbox_http: httpx.AsyncClient,
        receiver: Receiver,
        card: dict[str, Any],
        body: dict[str, Any],
        status: int,
    ) -> None:
        full = {"msgid": card["msgid"], "userid": ME, "key": "rsvp:42:accept", **body}
        response = await sandbox_http.post("/_control/click", json=full)
        assert response.status_code == status and receiver.requests == []

    async def test_click_after_buttons_replaced_is_refused(
        self, sandbox_http: httpx.AsyncClient, receiver: Receiver
    ) -> None:
        receiver.update_with = "Accepted"
        page = await inbox(sandbox_http)
        form = only(page, "form button[value='rsvp:42:accept']").find_parent("form")
        assert form is not None
        action = str(form["action"])
        await sandbox_http.post(action, data={"key": "rsvp:42:accept"})
        again = await sandbox_http.post(action, data={"key": "rsvp:42:decline"})
        assert again.status_code == 400 and len(receiver.requests) == 1
