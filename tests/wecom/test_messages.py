"""Message builders (limits checked before sending) and sending through the sandbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from portal.wecom import (
    ActionMenu,
    AllRecipientsInvalid,
    ButtonInteractionCard,
    CardButton,
    CardLink,
    CardSource,
    CardTitle,
    HorizontalItem,
    InvalidMessage,
    Markdown,
    MessageTooLong,
    News,
    NewsArticle,
    SendResult,
    Text,
    TextCard,
    TextNoticeCard,
    WeComClient,
    WeComError,
    build_send_body,
)
from tests.support.sandbox import SandboxControl
from tests.support.when import NOW

URL = "https://portal.example.com/i/42"


def notice(**overrides: Any) -> TextNoticeCard:
    fields: dict[str, Any] = {
        "main_title": CardTitle(title="Interview tomorrow", desc="Backend · round 2"),
        "card_action": CardLink(url=URL),
    }
    return TextNoticeCard(**{**fields, **overrides})


def buttons_card(task_id: str = "itv42-r2-zhangwei", **overrides: Any) -> ButtonInteractionCard:
    fields: dict[str, Any] = {
        "main_title": CardTitle(title="Can you interview Wang Wu?"),
        "task_id": task_id,
        "button_list": [
            CardButton(text="Accept", key="rsvp:42:accept", style=1),
            CardButton(text="Decline", key="rsvp:42:decline", style=2),
        ],
    }
    return ButtonInteractionCard(**{**fields, **overrides})


# --- limits, checked before anything is sent -------------------------------------------------


@pytest.mark.parametrize("kind", [Text, Markdown])
@pytest.mark.parametrize(
    ("content", "ok"),
    [
        ("a" * 2048, True),
        ("a" * 2049, False),
        ("面" * 682 + "ab", True),  # 2046 + 2 = 2048 bytes
        ("面" * 683, False),  # 2049 bytes although only 683 characters
    ],
)
def test_text_content_over_2048_bytes_raises(
    kind: type[Text | Markdown], content: str, ok: bool
) -> None:
    if ok:
        assert kind(content).payload() == {"content": content}
    else:
        with pytest.raises(MessageTooLong) as caught:
            kind(content)
        assert caught.value.limit == 2048 and caught.value.unit == "bytes"


@pytest.mark.parametrize("kind", [Text, Markdown])
def test_text_empty_content_raises(kind: Callable[[str], object]) -> None:
    with pytest.raises(InvalidMessage):
        kind("")


@pytest.mark.parametrize(
    ("fields", "field_name"),
    [
        ({"title": "t" * 129}, "textcard.title"),
        ({"title": "面" * 43}, "textcard.title"),  # 129 bytes
        ({"description": "d" * 513}, "textcard.description"),
        ({"url": "https://x.example/" + "p" * 2031}, "textcard.url"),
        ({"btntxt": "Details"}, "textcard.btntxt"),
        ({"btntxt": "查看详情了"}, "textcard.btntxt"),
    ],
)
def test_textcard_field_over_limit_raises(fields: dict[str, str], field_name: str) -> None:
    base = {"title": "Interview", "description": "<div class='gray'>14:00</div>", "url": URL}
    with pytest.raises(MessageTooLong) as caught:
        TextCard(**{**base, **fields})
    assert caught.value.field == field_name


def test_textcard_at_limits_is_accepted() -> None:
    card = TextCard(
        title="t" * 128,
        description="d" * 512,
        url="https://x.example/" + "p" * 2030,
        btntxt="查看详情",
    )
    assert card.payload()["btntxt"] == "查看详情"


@pytest.mark.parametrize("fields", [{"description": ""}, {"url": "portal.example.com/i/42"}])
def test_textcard_missing_description_or_relative_url_raises(fields: dict[str, str]) -> None:
    with pytest.raises(InvalidMessage):
        TextCard(**{"title": "t", "description": "d", "url": URL, **fields})


@pytest.mark.parametrize(("count", "ok"), [(0, False), (1, True), (8, True), (9, False)])
def test_news_article_count_outside_1_to_8_raises(count: int, ok: bool) -> None:
    articles = [NewsArticle(title=f"a{i}", url=URL) for i in range(count)]
    if ok:
        assert len(News(articles).payload()["articles"]) == count
    else:
        with pytest.raises(InvalidMessage):
            News(articles)


def test_news_article_without_url_or_mini_program_raises() -> None:
    with pytest.raises(InvalidMessage):
        NewsArticle(title="x")
    article = NewsArticle(title="x", appid="wx123", pagepath="pages/index")
    assert article.payload() == {"title": "x", "appid": "wx123", "pagepath": "pages/index"}


@pytest.mark.parametrize(
    ("task_id", "ok"),
    [
        (f"itv42-r2_zhangwei@{NOW:%Y%m%d}", True),
        ("a" * 128, True),
        ("a" * 129, False),
        ("has space", False),
        ("中文", False),
        ("semi;colon", False),
        ("", False),
    ],
)
def test_card_task_id_charset_and_length(task_id: str, ok: bool) -> None:
    if ok:
        assert buttons_card(task_id).payload()["task_id"] == task_id
    else:
        with pytest.raises(InvalidMessage):
            buttons_card(task_id)


@pytest.mark.parametrize(("count", "ok"), [(0, False), (1, True), (6, True), (7, False)])
def test_button_card_button_count_outside_1_to_6_raises(count: int, ok: bool) -> None:
    buttons = [CardButton(text=f"b{i}", key=f"k{i}") for i in range(count)]
    if ok:
        assert len(buttons_card(button_list=buttons).payload()["button_list"]) == count
    else:
        with pytest.raises(InvalidMessage):
            buttons_card(button_list=buttons)


def test_button_card_duplicate_keys_raise() -> None:
    with pytest.raises(InvalidMessage):
        buttons_card(button_list=[CardButton(text="a", key="k"), CardButton(text="b", key="k")])


def test_button_card_without_task_id_raises() -> None:
    with pytest.raises(InvalidMessage):
        ButtonInteractionCard(
            main_title=CardTitle(title="t"), button_list=[CardButton(text="a", key="k")]
        )


def test_button_callback_without_key_raises() -> None:
    with pytest.raises(InvalidMessage):
        CardButton(text="Accept")
    with pytest.raises(MessageTooLong):
        CardButton(text="Accept", key="k" * 1025)
    assert CardButton(text="Open", type=1, url=URL).payload() == {
        "type": 1,
        "text": "Open",
        "style": 1,
        "url": URL,
    }


@pytest.mark.parametrize(("count", "ok"), [(6, True), (7, False)])
def test_card_horizontal_items_over_6_raise(count: int, ok: bool) -> None:
    items = [HorizontalItem(keyname=f"k{i}", value="v") for i in range(count)]
    if ok:
        assert (
            len(notice(horizontal_content_list=items).payload()["horizontal_content_list"]) == count
        )
    else:
        with pytest.raises(InvalidMessage):
            notice(horizontal_content_list=items)


@pytest.mark.parametrize(("count", "ok"), [(3, True), (4, False)])
def test_card_jump_items_over_3_raise(count: int, ok: bool) -> None:
    jumps = [CardLink(title=f"j{i}", url=URL) for i in range(count)]
    if ok:
        assert len(notice(jump_list=jumps).payload()["jump_list"]) == count
    else:
        with pytest.raises(InvalidMessage):
            notice(jump_list=jumps)


def test_text_notice_without_card_action_or_title_raises() -> None:
    with pytest.raises(InvalidMessage):
        notice(card_action=None)
    with pytest.raises(InvalidMessage):
        notice(main_title=None)
    titled = notice(main_title=None, sub_title_text="Candidate: Wang Wu").payload()
    assert titled["sub_title_text"] == "Candidate: Wang Wu" and "main_title" not in titled


def test_card_action_menu_requires_task_id() -> None:
    menu = ActionMenu(desc="more", actions=[("Mute", "mute")])
    with pytest.raises(InvalidMessage):
        notice(action_menu=menu)
    assert notice(action_menu=menu, task_id="t1").payload()["action_menu"]["action_list"] == [
        {"text": "Mute", "key": "mute"}
    ]


def test_text_notice_payload_matches_wecom_shape() -> None:
    card = notice(
        source=CardSource(desc="Interview Portal", desc_color=1),
        emphasis_content=CardTitle(title="14:00", desc="Asia/Shanghai"),
        sub_title_text="Candidate: Wang Wu",
        horizontal_content_list=[
            HorizontalItem(keyname="Room", value="Meeting room 3"),
            HorizontalItem(keyname="Details", value="Open", type=1, url=URL),
        ],
        jump_list=[CardLink(title="Open portal", url=URL)],
    )
    assert card.payload() == {
        "card_type": "text_notice",
        "source": {"desc": "Interview Portal", "desc_color": 1},
        "main_title": {"title": "Interview tomorrow", "desc": "Backend · round 2"},
        "emphasis_content": {"title": "14:00", "desc": "Asia/Shanghai"},
        "sub_title_text": "Candidate: Wang Wu",
        "horizontal_content_list": [
            {"keyname": "Room", "value": "Meeting room 3"},
            {"type": 1, "keyname": "Details", "value": "Open", "url": URL},
        ],
        "jump_list": [{"type": 1, "title": "Open portal", "url": URL}],
        "card_action": {"type": 1, "url": URL},
    }


def test_build_send_body_joins_recipients_and_sets_duplicate_check() -> None:
    body = build_send_body(
        Text("hi"),
        agent_id=1000002,
        touser=["zhangwei", "lina"],
        toparty=[2, 6],
        enable_duplicate_check=True,
        duplicate_check_interval=600,
    )
    assert body == {
        "touser": "zhangwei|lina",
        "toparty": "2|6",
        "msgtype": "text",
        "agentid": 1000002,
        "text": {"content": "hi"},
        "enable_duplicate_check": 1,
        "duplicate_check_interval": 600,
    }


@pytest.mark.parametrize(
    "options",
    [
        {},  # no recipient at all
        {"touser": ["u"] * 1001},
        {"toparty": list(range(101))},
        {"totag": list(range(101))},
        {"touser": "a|b"},  # a '|' inside one id
        {"touser": "u", "duplicate_check_interval": 60},  # interval without the check
        {"touser": "u", "enable_duplicate_check": True, "duplicate_check_interval": 14401},
        {"touser": "u", "safe": 2},
    ],
)
def test_build_send_body_bad_options_raise(options: dict[str, Any]) -> None:
    with pytest.raises(InvalidMessage):
        build_send_body(Text("hi"), agent_id=1, **options)


def test_send_result_parses_partial_failures() -> None:
    result = SendResult.from_response(
        {
            "errcode": 0,
            "invaliduser": "nobody|ghost",
            "invalidparty": "99",
            "invalidtag": "",
            "unlicenseduser": "lina",
            "msgid": "m1",
            "response_code": "",
        }
    )
    assert result.invalid_users == ("nobody", "ghost")
    assert result.invalid_parties == ("99",)
    assert result.invalid_tags == ()
    assert result.unlicensed_users == ("lina",)
    assert result.failed_users == ("nobody", "ghost", "lina")
    assert result.response_code is None and not result.complete


# --- through the sandbox -----------------------------------------------------------------------


async def test_send_text_delivers_and_returns_msgid(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    result = await wecom_client.message.send(Text("面试提醒：明天 14:00"), touser="zhangwei")
    assert result.msgid and result.complete
    inbox = sandbox.messages("zhangwei")
    assert [m["body"]["content"] for m in inbox] == ["面试提醒：明天 14:00"]


async def test_send_partial_invalid_users_reported(wecom_client: WeComClient) -> None:
    result = await wecom_client.message.send(Markdown("**hi**"), touser=["zhangwei", "NoSuchUser"])
    assert result.msgid
    assert result.invalid_users == ("nosuchuser",)
    assert result.failed_users == ("nosuchuser",)


async def test_send_all_recipients_invalid_raises(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    with pytest.raises(AllRecipientsInvalid) as caught:
        await wecom_client.message.send(Text("hi"), touser=["ghost1", "ghost2"])
    assert caught.value.errcode == 81013
    assert sandbox.calls("message/send") == 1


async def test_send_textcard_and_news_accepted(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    await wecom_client.message.send(TextCard("Interview", "<div>14:00</div>", URL), touser="lina")
    news = News([NewsArticle(title="Today", url=URL, description="3 interviews")])
    await wecom_client.message.send(news, touser="lina")
    inbox = sandbox.messages("lina")
    assert sorted(m["msgtype"] for m in inbox) == ["news", "textcard"]


async def test_send_button_card_then_update_consumes_response_code(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    result = await wecom_client.message.send(buttons_card(), touser="zhangwei")
    assert result.response_code
    invalid = await wecom_client.message.update_template_card(
        result.response_code, userids=["zhangwei"], replace_name="Accepted"
    )
    assert invalid == ()
    inbox = sandbox.messages("zhangwei")
    assert inbox[0]["card"]["replace_name"] == "Accepted"
    with pytest.raises(WeComError):  # a response_code works once
        await wecom_client.message.update_template_card(
            result.response_code, userids=["zhangwei"], replace_name="Again"
        )


async def test_send_duplicate_check_suppresses_identical_request(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    for _ in range(2):
        await wecom_client.message.send(
            Text("once"), touser="zhangwei", enable_duplicate_check=True
        )
    assert len(sandbox.messages("zhangwei")) == 1
    assert sandbox.stats()["duplicates_suppressed"] == 1


async def test_recall_marks_message_recalled(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    result = await wecom_client.message.send(Text("oops"), touser="zhangwei")
    await wecom_client.message.recall(result.msgid)
    assert sandbox.messages("zhangwei")[0]["recalled"] is True


async def test_update_template_card_bad_arguments_raise_before_sending(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    with pytest.raises(InvalidMessage):
        await wecom_client.message.update_template_card("code", userids=["u"])
    with pytest.raises(InvalidMessage):
        await wecom_client.message.update_template_card("code", replace_name="x")
    assert sandbox.calls("message/update_template_card") == 0
