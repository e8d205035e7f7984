"""App messages: typed builders, checked against WeCom's limits before anything is sent.

WeCom truncates over-long fields silently and rejects some shapes with an errcode after
the fact; these classes raise `InvalidMessage` / `MessageTooLong` at construction instead.
Byte limits are UTF-8 bytes (wecom-api.md §2.1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from portal.wecom.cards import TemplateCard
from portal.wecom.content import (
    JSON,
    MAX_ARTICLES,
    MAX_BTNTXT_CHARS,
    MAX_CONTENT_BYTES,
    MAX_DESCRIPTION_BYTES,
    MAX_DUPLICATE_CHECK_INTERVAL,
    MAX_PARTIES,
    MAX_TAGS,
    MAX_TITLE_BYTES,
    MAX_USERS,
    Message,
    check_count,
    check_text,
    check_url,
    compact,
)
from portal.wecom.errors import InvalidMessage

if TYPE_CHECKING:
    from portal.wecom.client import WeComClient


@dataclass(frozen=True)
class Text:
    content: str
    msgtype: ClassVar[str] = "text"

    def __post_init__(self) -> None:
        check_text("text.content", self.content, MAX_CONTENT_BYTES, required=True)

    def payload(self) -> JSON:
        return {"content": self.content}


@dataclass(frozen=True)
class Markdown:
    content: str
    msgtype: ClassVar[str] = "markdown"

    def __post_init__(self) -> None:
        check_text("markdown.content", self.content, MAX_CONTENT_BYTES, required=True)

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
        check_text("textcard.title", self.title, MAX_TITLE_BYTES, required=True)
        check_text("textcard.description", self.description, MAX_DESCRIPTION_BYTES, required=True)
        check_url("textcard.url", self.url, required=True)
        check_text("textcard.btntxt", self.btntxt, MAX_BTNTXT_CHARS, chars=True)

    def payload(self) -> JSON:
        return compact(
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
        check_text("news.title", self.title, MAX_TITLE_BYTES, required=True)
        check_text("news.description", self.description, MAX_DESCRIPTION_BYTES)
        check_url("news.url", self.url)
        check_url("news.picurl", self.picurl)
        if not self.url and not (self.appid and self.pagepath):
            raise InvalidMessage("a news article needs url, or appid and pagepath")

    def payload(self) -> JSON:
        return compact(
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
        check_count("news.articles", self.articles, 1, MAX_ARTICLES)

    def payload(self) -> JSON:
        return {"articles": [a.payload() for a in self.articles]}


# --- template cards -------------------------------------------------------------------------


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
    recipients = compact(
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
        check_count("userids", userids, 0, MAX_USERS)
        check_count("partyids", partyids, 0, MAX_PARTIES)
        check_count("tagids", tagids, 0, MAX_TAGS)
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
