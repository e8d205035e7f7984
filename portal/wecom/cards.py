"""Template cards (`text_notice`, `button_interaction`) and their parts, checked up front.

Field limits and shapes follow wecom-api.md §2.1; `task_id` must be unique per app forever.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from portal.wecom.content import (
    JSON,
    MAX_ACTION_MENU_ITEMS,
    MAX_BUTTON_KEY_BYTES,
    MAX_BUTTONS,
    MAX_HORIZONTAL_ITEMS,
    MAX_JUMP_ITEMS,
    MAX_TASK_ID_BYTES,
    check_count,
    check_text,
    check_url,
    compact,
)
from portal.wecom.errors import InvalidMessage

_TASK_ID = re.compile(r"[A-Za-z0-9_\-@]+")


@dataclass(frozen=True, kw_only=True)
class CardSource:
    desc: str | None = None
    icon_url: str | None = None
    desc_color: int = 0  # 0 grey, 1 black, 2 red, 3 green

    def __post_init__(self) -> None:
        if self.desc_color not in (0, 1, 2, 3):
            raise InvalidMessage("source.desc_color must be 0, 1, 2 or 3")

    def payload(self) -> JSON:
        return compact(icon_url=self.icon_url, desc=self.desc, desc_color=self.desc_color)


@dataclass(frozen=True, kw_only=True)
class CardTitle:
    """`main_title` or `emphasis_content`: a title and a line under it."""

    title: str | None = None
    desc: str | None = None

    def payload(self) -> JSON:
        return compact(title=self.title, desc=self.desc)


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
        check_url("horizontal_content_list.url", self.url)

    def payload(self) -> JSON:
        return compact(
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
            check_url("card link url", self.url, required=True)
        elif self.type == 2:
            if not self.appid:
                raise InvalidMessage("a mini-program card link needs appid")
        else:
            raise InvalidMessage("card link type must be 1 (url) or 2 (mini program)")

    def payload(self) -> JSON:
        return compact(
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
            check_text("button.key", self.key, MAX_BUTTON_KEY_BYTES, required=True)
        elif self.type == 1:
            check_url("button.url", self.url, required=True)
        else:
            raise InvalidMessage("button.type must be 0 (callback) or 1 (url)")

    def payload(self) -> JSON:
        return compact(
            type=self.type or None, text=self.text, style=self.style, key=self.key, url=self.url
        )


@dataclass(frozen=True, kw_only=True)
class ActionMenu:
    """The "…" menu on a card: `actions` are (text, key) pairs, 1–3 of them."""

    desc: str
    actions: Sequence[tuple[str, str]]

    def __post_init__(self) -> None:
        check_count("action_menu.action_list", self.actions, 1, MAX_ACTION_MENU_ITEMS)

    def payload(self) -> JSON:
        return {
            "desc": self.desc,
            "action_list": [{"text": text, "key": key} for text, key in self.actions],
        }


def check_task_id(task_id: str) -> None:
    """Raise `InvalidMessage` unless `task_id` is 1–128 bytes of letters, digits and `_-@`."""
    if not _TASK_ID.fullmatch(task_id):
        raise InvalidMessage("task_id may contain only letters, digits, '_', '-' and '@'")
    check_text("task_id", task_id, MAX_TASK_ID_BYTES, required=True)


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
        check_count(
            "horizontal_content_list", self.horizontal_content_list, 0, MAX_HORIZONTAL_ITEMS
        )
        if self.task_id is not None:
            check_task_id(self.task_id)
        if self.action_menu is not None and self.task_id is None:
            raise InvalidMessage("a card with action_menu needs task_id")

    def _common(self) -> JSON:
        return compact(
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
        check_count("jump_list", self.jump_list, 0, MAX_JUMP_ITEMS)
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
        check_count("button_list", self.button_list, 1, MAX_BUTTONS)
        keys = [b.key for b in self.button_list if b.key is not None]
        if len(keys) != len(set(keys)):
            raise InvalidMessage("button keys must be unique within a card")

    def payload(self) -> JSON:
        body = self._common()
        body["button_list"] = [b.payload() for b in self.button_list]
        return body


TemplateCard = TextNoticeCard | ButtonInteractionCard


# --- sending ----------------------------------------------------------------------------------
