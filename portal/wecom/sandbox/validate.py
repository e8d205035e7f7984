"""message/send body rules per msgtype (limits as WeCom documents them).

Over-long text is truncated silently, as WeCom does; missing or malformed fields answer the
errcode WeCom uses for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .errors import ApiError
from .mailbox import INTERACTIVE_CARDS

KNOWN_MSGTYPES = frozenset(
    {
        "text",
        "image",
        "voice",
        "video",
        "file",
        "textcard",
        "news",
        "mpnews",
        "markdown",
        "miniprogram_notice",
        "template_card",
    }
)
CARD_TYPES = frozenset({"text_notice", "news_notice"}) | INTERACTIVE_CARDS
_TASK_ID = re.compile(r"[A-Za-z0-9_\-@]{1,128}")

Checked = tuple[dict[str, Any], bool]


def truncate(text: str, limit: int) -> tuple[str, bool]:
    """Cut text to `limit` UTF-8 bytes without splitting a character."""
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text, False
    return raw[:limit].decode("utf-8", "ignore"), True


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _check_url(url: Any, *, required: bool = True) -> None:
    if not url and not required:
        return
    if not isinstance(url, str) or not url:
        raise ApiError(41010)
    if not re.match(r"https?://", url) or len(url.encode()) > 2048:
        raise ApiError(40094, url[:80])


def _content(part: dict[str, Any]) -> Checked:
    content = _text(part.get("content"))
    if not content.strip():
        raise ApiError(44004)
    content, cut = truncate(content, 2048)
    return {**part, "content": content}, cut


def _textcard(part: dict[str, Any]) -> Checked:
    if not _text(part.get("title")):
        raise ApiError(41016)
    if not _text(part.get("description")):
        raise ApiError(41033)
    _check_url(part.get("url"))
    title, cut_title = truncate(part["title"], 128)
    description, cut_desc = truncate(part["description"], 512)
    btntxt = _text(part.get("btntxt"))[:4]
    checked = {**part, "title": title, "description": description, "btntxt": btntxt}
    return checked, cut_title or cut_desc


def _news(part: dict[str, Any]) -> Checked:
    articles = part.get("articles")
    if not isinstance(articles, list) or not articles:
        raise ApiError(40058, "news.articles must hold 1 to 8 articles")
    if len(articles) > 8:
        raise ApiError(45008)
    cut_any = False
    checked = []
    for article in articles:
        if not isinstance(article, dict) or not _text(article.get("title")):
            raise ApiError(41016)
        if not article.get("appid"):
            _check_url(article.get("url"))
        title, cut_title = truncate(article["title"], 128)
        description, cut_desc = truncate(_text(article.get("description")), 512)
        checked.append({**article, "title": title, "description": description})
        cut_any = cut_any or cut_title or cut_desc
    return {**part, "articles": checked}, cut_any


def _list(card: dict[str, Any], key: str, limit: int) -> list[dict[str, Any]]:
    items = card.get(key, [])
    if not isinstance(items, list) or len(items) > limit:
        raise ApiError(40058, f"{key} must be a list of at most {limit}")
    if not all(isinstance(item, dict) for item in items):
        raise ApiError(40058, f"{key} items must be objects")
    return items


def _buttons(card: dict[str, Any]) -> None:
    buttons = _list(card, "button_list", 6)
    if not buttons:
        raise ApiError(40058, "button_list needs 1 to 6 buttons")
    keys: set[str] = set()
    for button in buttons:
        if not _text(button.get("text")):
            raise ApiError(40058, "button text is required")
        if button.get("type", 0) == 1:
            _check_url(button.get("url"))
            continue
        key = _text(button.get("key"))
        if not key or len(key.encode()) > 1024 or key in keys:
            raise ApiError(40058, "button key must be unique, 1..1024 bytes")
        keys.add(key)


def validate_card(card: Any) -> Checked:
    """Check a template_card object (used by message/send and update_template_card)."""
    if not isinstance(card, dict):
        raise ApiError(40058, "template_card must be an object")
    card_type = card.get("card_type")
    if card_type not in CARD_TYPES:
        raise ApiError(40058, f"unknown card_type {card_type!r}")
    main_title = card.get("main_title")
    main_title = main_title if isinstance(main_title, dict) else {}
    if not _text(main_title.get("title")) and not _text(card.get("sub_title_text")):
        raise ApiError(40058, "main_title.title or sub_title_text is required")
    _list(card, "horizontal_content_list", 6)
    _list(card, "jump_list", 3)
    action = card.get("card_action")
    if card_type in ("text_notice", "news_notice"):
        if not isinstance(action, dict) or action.get("type") not in (1, 2):
            raise ApiError(40058, f"{card_type} needs card_action of type 1 or 2")
    if isinstance(action, dict) and action.get("type") == 1:
        _check_url(action.get("url"))
    needs_task = card_type in INTERACTIVE_CARDS or "action_menu" in card
    if needs_task and not _TASK_ID.fullmatch(_text(card.get("task_id"))):
        raise ApiError(40058, "task_id is required: 1..128 of A-Z a-z 0-9 _ - @")
    if card_type == "button_interaction":
        _buttons(card)
    return card, False


_BODIES: dict[str, Callable[[dict[str, Any]], Checked]] = {
    "text": _content,
    "markdown": _content,
    "textcard": _textcard,
    "news": _news,
    "template_card": validate_card,
}


def validate_message(body: dict[str, Any]) -> tuple[str, dict[str, Any], bool]:
    """Return (msgtype, checked type body, truncated) or raise the WeCom errcode."""
    msgtype = body.get("msgtype")
    if not isinstance(msgtype, str) or msgtype not in KNOWN_MSGTYPES:
        raise ApiError(40008)
    check = _BODIES.get(msgtype)
    if check is None:
        raise ApiError(48001, f"msgtype {msgtype} is not implemented by the sandbox")
    part: Any = body.get(msgtype)
    if msgtype != "template_card" and not isinstance(part, dict):
        raise ApiError(44004 if msgtype in ("text", "markdown") else 40058, f"{msgtype} missing")
    checked, cut = check(part)
    return msgtype, checked, cut
