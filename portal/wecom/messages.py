"""App messages: typed builders, checked against WeCom's limits before anything is sent.

WeCom truncates over-long fields silently and rejects some shapes with an errcode after
the fact; these classes raise `InvalidMessage` / `MessageTooLong` at construction instead.
Byte limits are UTF-8 bytes (wecom-api.md §2.1).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from portal.wecom.errors import InvalidMessage, MessageTooLong

if TYPE_CHECKING:
    from portal.wecom.client import WeComClient

JSON = dict[str, Any]

MAX_CONTENT_BYTES = 2048
MAX_TITLE_BYTES = 128
MAX_DESCRIPTION_BYTES = 512
MAX_URL_BYTES = 2048
MAX_BTNTXT_CHARS = 4
MAX_ARTICLES = 8
MAX_USERS = 1000
MAX_PARTIES = 100
MAX_TAGS = 100
MAX_DUPLICATE_CHECK_INTERVAL = 14400
MAX_TASK_ID_BYTES = 128
MAX_BUTTONS = 6
MAX_HORIZONTAL_ITEMS = 6
MAX_JUMP_ITEMS = 3
MAX_ACTION_MENU_ITEMS = 3
MAX_BUTTON_KEY_BYTES = 1024

_TASK_ID = re.compile(r"[A-Za-z0-9_\-@]+")


def _check_text(
    name: str, value: str | None, limit: int, *, required: bool = False, chars: bool = False
) -> None:
    if value is None or value == "":
        if required:
            raise InvalidMessage(f"{name} is required")
        return
    size = len(value) if chars else len(value.encode())
    if size > limit:
        raise MessageTooLong(name, limit, size, "characters" if chars else "bytes")


def _check_url(name: str, url: str | None, *, required: bool = False) -> None:
    _check_text(name, url, MAX_URL_BYTES, required=required)
    if url and not url.startswith(("http://", "https://")):
        raise InvalidMessage(f"{name} must be an absolute http(s) URL")


def _check_count(name: str, items: Sequence[object], low: int, high: int) -> None:
    if not low <= len(items) <= high:
        raise InvalidMessage(f"{name} takes {low}–{high} items, got {len(items)}")


def _compact(**fields: Any) -> JSON:
    return {k: v for k, v in fields.items() if v is not None and v != [] and v != ""}


class Message(Protocol):
    msgtype: ClassVar[str]

    def payload(self) -> JSON: ...


@dataclass(frozen=True)
class Text:
    content: str
    msgtype: ClassVar[str] = "text"

    def __post_init__(self) -> None:
        _check_text("text.content", self.content, MAX_CONTENT_BYTES, required=True)

    def payload(self) -> JSON:
        return {"content": self.content}


@dataclass(frozen=True)
class Markdown:
    content: str
    msgtype: ClassVar[str] = "markdown"

    def __post_init__(self) -> None:
        _check_text("markdown.content", self.content, MAX_CONTENT_BYTES, required=True)

    def payload(self) -> JSON:
        return {"content": self.content}


@dataclass(frozen=True)
class TextCard:
    title: str
    description: str
    url: str
    btntxt: str | None = None
    msgtype: ClassVar[str] = "textcard"

    def __post_init__(self) -> None:
        _check_text("textcard.title", self.title, MAX_TITLE_BYTES, required=True)
        _check_text("textcard.description", self.description, MAX_DESCRIPTION_BYTES, required=True)
        _check_url("textcard.url", self.url, required=True)
        _check_text("textcard.btntxt", self.btntxt, MAX_BTNTXT_CHARS, chars=True)

    def payload(self) -> JSON:
        return _compact(
            title=self.title, description=self.description, url=self.url, btntxt=self.btntxt
        )


@dataclass(frozen=True, kw_only=True)
class NewsArticle:
    title: str
    url: str | None = None
    description: str | None = None
    picurl: str | None = None
    appid: str | None = None
    pagepath: str | None = None

    def __post_init__(self) -> None:
        _check_text("news.title", self.title, MAX_TITLE_BYTES, required=True)
        _check_text("news.description", self.description, MAX_DESCRIPTION_BYTES)
        _check_url("news.url", self.url)
        _check_url("news.picurl", self.picurl)
        if not self.url and not (self.appid and self.pagepath):
            raise InvalidMessage("a news article needs url, or appid and pagepath")

    def payload(self) -> JSON:
        return _compact(
            title=self.title,
            description=self.description,
            url=self.url,
            picurl=self.picurl,
            appid=self.appid,
            pagepath=self.pagepath,
        )


@dataclass(frozen=True)
class News:
    articles: Sequence[NewsArticle]
    msgtype: ClassVar[str] = "news"

    def __post_init__(self) -> None:
        _check_count("news.articles", self.articles, 1, MAX_ARTICLES)

    def payload(self) -> JSON:
        return {"articles": [a.payload() for a in self.articles]}


# --- template cards -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CardSource:
    desc: str | None = None
    icon_url: str | None = None
    desc_color: int = 0  # 0 grey, 1 black, 2 red, 3 green

    def __post_init__(self) -> None:
        if self.desc_color not in (0, 1, 2, 3):
            raise InvalidMessage("source.desc_color must be 0, 1, 2 or 3")

    def payload(self) -> JSON:
        return _compact(icon_url=self.icon_url, desc=self.desc, desc_color=self.desc_color)


@dataclass(frozen=True, kw_only=True)
class CardTitle:
    """`main_title` or `emphasis_content`: a title and a line under it."""

    title: str | None = None
    desc: str | None = None

    def payload(self) -> JSON:
        return _compact(title=self.title, desc=self.desc)


@dataclass(frozen=True, kw_only=True)
class HorizontalItem:
    """One `horizontal_content_list` row: type 0 text, 1 url, 2 attachment, 3 member card."""

    keyname: str
    value: str | None = None
    type: int = 0
    url: str | None = None
    media_id: str | None = None
    userid: str | None = None

    def __post_init__(self) -> None:
        needs = {0: None, 1: self.url, 2: self.media_id, 3: self.userid}
        if self.type not in needs:
            raise InvalidMessage("horizontal item type must be 0, 1, 2 or 3")
        if self.type and not needs[self.type]:
            field_name = {1: "url", 2: "media_id", 3: "userid"}[self.type]
            raise InvalidMessage(f"horizontal item of type {self.type} needs {field_name}")
        _check_url("horizontal_content_list.url", self.url)

    def payload(self) -> JSON:
        return _compact(
            type=self.type or None,
            keyname=self.keyname,
            value=self.value,
            url=self.url,
            media_id=self.media_id,
            userid=self.userid,
        )


@dataclass(frozen=True, kw_only=True)
class CardLink:
    """`card_action` or a `jump_list` item: type 1 opens `url`, type 2 a mini program."""

    type: int = 1
    url: str | None = None
    appid: str | None = None
    pagepath: str | None = None
    title: str | None = None  # jump_list items only

    def __post_init__(self) -> None:
        if self.type == 1:
            _check_url("card link url", self.url, required=True)
        elif self.type == 2:
            if not self.appid:
                raise InvalidMessage("a mini-program card link needs appid")
        else:
            raise InvalidMessage("card link type must be 1 (url) or 2 (mini program)")

    def payload(self) -> JSON:
        return _compact(
            type=self.type,
            title=self.title,
            url=self.url,
            appid=self.appid,
            pagepath=self.pagepath,
        )


@dataclass(frozen=True, kw_only=True)
class CardButton:
    """A `button_list` entry: type 0 calls back with `key`, type 1 opens `url`; style 1–4."""

    text: str
    key: str | None = None
    style: int = 1
    type: int = 0
    url: str | None = None

    def __post_init__(self) -> None:
        if not self.text:
            raise InvalidMessage("button.text is required")
        if self.style not in (1, 2, 3, 4):
            raise InvalidMessage("button.style must be 1–4")
        if self.type == 0:
            _check_text("button.key", self.key, MAX_BUTTON_KEY_BYTES, required=True)
        elif self.type == 1:
            _check_url("button.url", self.url, required=True)
        else:
            raise InvalidMessage("button.type must be 0 (callback) or 1 (url)")

    def payload(self) -> JSON:
        return _compact(
            type=self.type or None, text=self.text, style=self.style, key=self.key, url=self.url
        )


@dataclass(frozen=True, kw_only=True)
class ActionMenu:
    """The "…" menu on a card: `actions` are (text, key) pairs, 1–3 of them."""

    desc: str
    actions: Sequence[tuple[str, str]]

    def __post_init__(self) -> None:
        _check_count("action_menu.action_list", self.actions, 1, MAX_ACTION_MENU_ITEMS)

    def payload(self) -> JSON:
        return {
            "desc": self.desc,
            "action_list": [{"text": text, "key": key} for text, key in self.actions],
        }


def check_task_id(task_id: str) -> None:
    """Raise `InvalidMessage` unless `task_id` is 1–128 bytes of letters, digits and `_-@`."""
    if not _TASK_ID.fullmatch(task_id):
        raise InvalidMessage("task_id may contain only letters, digits, '_', '-' and '@'")
    _check_text("task_id", task_id, MAX_TASK_ID_BYTES, required=True)


@dataclass(frozen=True, kw_only=True)
class _Card:
    main_title: CardTitle | None = None
    sub_title_text: str | None = None
    source: CardSource | None = None
    horizontal_content_list: Sequence[HorizontalItem] = ()
    card_action: CardLink | None = None
    action_menu: ActionMenu | None = None
    task_id: str | None = None

    msgtype: ClassVar[str] = "template_card"
    card_type: ClassVar[str]

    def __post_init__(self) -> None:
        if not (self.main_title and self.main_title.title) and not self.sub_title_text:
            raise InvalidMessage("a card needs main_title.title or sub_title_text")
        _check_count(
            "horizontal_content_list", self.horizontal_content_list, 0, MAX_HORIZONTAL_ITEMS
        )
        if self.task_id is not None:
            check_task_id(self.task_id)
        if self.action_menu is not None and self.task_id is None:
            raise InvalidMessage("a card with action_menu needs task_id")

    def _common(self) -> JSON:
        return _compact(
            card_type=self.card_type,
            source=self.source.payload() if self.source else None,
            action_menu=self.action_menu.payload() if self.action_menu else None,
            task_id=self.task_id,
            main_title=self.main_title.payload() if self.main_title else None,
            sub_title_text=self.sub_title_text,
            horizontal_content_list=[h.payload() for h in self.horizontal_content_list],
            card_action=self.card_action.payload() if self.card_action else None,
        )

    def payload(self) -> JSON:
        return self._common()


@dataclass(frozen=True, kw_only=True)
class TextNoticeCard(_Card):
    """A notice card; `card_action` (type 1 or 2) is required here."""

    emphasis_content: CardTitle | None = None
    jump_list: Sequence[CardLink] = ()
    card_type: ClassVar[str] = "text_notice"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.card_action is None:
            raise InvalidMessage("a text_notice card needs card_action")
        _check_count("jump_list", self.jump_list, 0, MAX_JUMP_ITEMS)
        for item in self.jump_list:
            if not item.title:
                raise InvalidMessage("each jump_list item needs a title")

    def payload(self) -> JSON:
        body = self._common()
        if self.emphasis_content:
            body["emphasis_content"] = self.emphasis_content.payload()
        if self.jump_list:
            body["jump_list"] = [j.payload() for j in self.jump_list]
        return body


@dataclass(frozen=True, kw_only=True)
class ButtonInteractionCard(_Card):
    """A card with up to six buttons; clicks come back as `template_card_event` callbacks."""

    button_list: Sequence[CardButton] = field(default=())
    card_type: ClassVar[str] = "button_interaction"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.task_id is None:
            raise InvalidMessage("a button_interaction card needs task_id")
        _check_count("button_list", self.button_list, 1, MAX_BUTTONS)
        keys = [b.key for b in self.button_list if b.key is not None]
        if len(keys) != len(set(keys)):
            raise InvalidMessage("button keys must be unique within a card")

    def payload(self) -> JSON:
        body = self._common()
        body["button_list"] = [b.payload() for b in self.button_list]
        return body


TemplateCard = TextNoticeCard | ButtonInteractionCard


# --- sending ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendResult:
    """What message/send reported; errcode 0 may still leave some recipients without it."""

    msgid: str
    response_code: str | None = None
    invalid_users: tuple[str, ...] = ()
    invalid_parties: tuple[str, ...] = ()
    invalid_tags: tuple[str, ...] = ()
    unlicensed_users: tuple[str, ...] = ()

    @property
    def failed_users(self) -> tuple[str, ...]:
        """Users who got nothing (userids lower-cased by WeCom)."""
        return self.invalid_users + self.unlicensed_users

    @property
    def complete(self) -> bool:
        """True when no recipient of any kind was reported invalid or unlicensed."""
        return not (self.failed_users or self.invalid_parties or self.invalid_tags)

    @classmethod
    def from_response(cls, data: JSON) -> SendResult:
        return cls(
            msgid=str(data.get("msgid", "")),
            response_code=data.get("response_code") or None,
            invalid_users=_split(data.get("invaliduser")),
            invalid_parties=_split(data.get("invalidparty")),
            invalid_tags=_split(data.get("invalidtag")),
            unlicensed_users=_split(data.get("unlicenseduser")),
        )


def _split(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if not value:
        return ()
    return tuple(part for part in str(value).split("|") if part)


Ids = str | int | Sequence[str | int]


def _join(name: str, ids: Ids, limit: int) -> str | None:
    items = [ids] if isinstance(ids, str | int) else list(ids)
    values = [str(i) for i in items]
    if any(not v or "|" in v for v in values):
        raise InvalidMessage(f"{name} contains an empty id or a '|'")
    if len(values) > limit:
        raise InvalidMessage(f"{name} takes at most {limit} ids, got {len(values)}")
    return "|".join(values) or None


def build_send_body(
    message: Message,
    *,
    agent_id: int,
    touser: Ids = (),
    toparty: Ids = (),
    totag: Ids = (),
    safe: int | None = None,
    enable_duplicate_check: bool = False,
    duplicate_check_interval: int | None = None,
) -> JSON:
    """The JSON body of message/send, after checking recipients and options."""
    recipients = _compact(
        touser=_join("touser", touser, MAX_USERS),
        toparty=_join("toparty", toparty, MAX_PARTIES),
        totag=_join("totag", totag, MAX_TAGS),
    )
    if not recipients:
        raise InvalidMessage("a message needs touser, toparty or totag")
    if safe not in (None, 0, 1):
        raise InvalidMessage("safe must be 0 or 1 for these message types")
    body: JSON = {
        **recipients,
        "msgtype": message.msgtype,
        "agentid": agent_id,
        message.msgtype: message.payload(),
    }
    if safe is not None:
        body["safe"] = safe
    if duplicate_check_interval is not None:
        if not enable_duplicate_check:
            raise InvalidMessage("duplicate_check_interval needs enable_duplicate_check")
        if not 1 <= duplicate_check_interval <= MAX_DUPLICATE_CHECK_INTERVAL:
            raise InvalidMessage("duplicate_check_interval must be 1–14400 seconds")
    if enable_duplicate_check:
        body["enable_duplicate_check"] = 1
        if duplicate_check_interval is not None:
            body["duplicate_check_interval"] = duplicate_check_interval
    return body


class Messages:
    """`client.message`: send, update template cards, recall."""

    def __init__(self, client: WeComClient) -> None:
        self._client = client

    async def send(
        self,
        message: Message,
        *,
        touser: Ids = (),
        toparty: Ids = (),
        totag: Ids = (),
        safe: int | None = None,
        enable_duplicate_check: bool = False,
        duplicate_check_interval: int | None = None,
    ) -> SendResult:
        """Send an app message; never retried inline (only after a token refresh, once).

        https://developer.work.weixin.qq.com/document/path/90236
        """
        body = build_send_body(
            message,
            agent_id=self._client.agent_id,
            touser=touser,
            toparty=toparty,
            totag=totag,
            safe=safe,
            enable_duplicate_check=enable_duplicate_check,
            duplicate_check_interval=duplicate_check_interval,
        )
        return SendResult.from_response(await self._client.post("message/send", body))

    async def update_template_card(
        self,
        response_code: str,
        *,
        userids: Sequence[str] = (),
        partyids: Sequence[int] = (),
        tagids: Sequence[int] = (),
        atall: bool = False,
        replace_name: str | None = None,
        card: TemplateCard | None = None,
    ) -> tuple[str, ...]:
        """Grey out a card's buttons (`replace_name`) or replace the card; returns invalid users.

        https://developer.work.weixin.qq.com/document/path/94888
        """
        if (replace_name is None) == (card is None):
            raise InvalidMessage("pass exactly one of replace_name or card")
        if not (atall or userids or partyids or tagids):
            raise InvalidMessage("update_template_card needs userids, partyids, tagids or atall")
        _check_count("userids", userids, 0, MAX_USERS)
        _check_count("partyids", partyids, 0, MAX_PARTIES)
        _check_count("tagids", tagids, 0, MAX_TAGS)
        body: JSON = {
            "userids": list(userids),
            "partyids": list(partyids),
            "tagids": list(tagids),
            "atall": int(atall),
            "agentid": self._client.agent_id,
            "response_code": response_code,
        }
        if replace_name is not None:
            body["button"] = {"replace_name": replace_name}
        elif card is not None:
            body["template_card"] = card.payload()
        data = await self._client.post("message/update_template_card", body)
        return _split(data.get("invaliduser"))

    async def recall(self, msgid: str) -> None:
        """Recall a message sent in the last 24 hours.

        https://developer.work.weixin.qq.com/document/path/94867
        """
        await self._client.post("message/recall", {"msgid": msgid})
