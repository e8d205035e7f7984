"""Turn delivered messages into view models for the inbox, rendering WeCom's markup safely.

Everything is HTML-escaped first; only WeCom's small markup subset is turned back into tags.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from markupsafe import Markup

from .mailbox import INTERACTIVE_CARDS, Delivery

CHINA = timezone(timedelta(hours=8))
_FONT = re.compile(r"&lt;font color=&quot;(info|comment|warning)&quot;&gt;(.*?)&lt;/font&gt;")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^\s)]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_HEADING = re.compile(r"(#{1,6}) (.*)")
_TEXTCARD_TAG = re.compile(
    r"(&lt;div class=&quot;(?:gray|normal|highlight)&quot;&gt;|&lt;/div&gt;|&lt;br ?/?&gt;)"
)
_DESC_COLORS = {0: "grey", 1: "black", 2: "red", 3: "green"}


def _inline(escaped: str) -> str:
    escaped = _CODE.sub(r"<code>\1</code>", escaped)
    escaped = _FONT.sub(r'<span class="md-\1">\2</span>', escaped)
    escaped = _LINK.sub(r'<a href="\2" rel="noopener noreferrer">\1</a>', escaped)
    return _BOLD.sub(r"<strong>\1</strong>", escaped)


def render_markdown(text: str) -> Markup:
    """Render WeCom's markdown subset: headings, bold, links, quotes, code, font colours."""
    out = []
    for line in text.split("\n"):
        escaped = html.escape(line, quote=True)
        heading = _HEADING.fullmatch(escaped)
        if heading:
            level = len(heading.group(1))
            out.append(f"<h{level + 2}>{_inline(heading.group(2))}</h{level + 2}>")
        elif escaped.startswith("&gt;"):
            out.append(f"<blockquote>{_inline(escaped[4:].lstrip())}</blockquote>")
        else:
            out.append(f"<p>{_inline(escaped)}</p>" if escaped.strip() else "")
    return Markup("".join(out))


def render_textcard(description: str) -> Markup:
    """Render a textcard description: only `<div class="gray|normal|highlight">` and `<br>`."""
    out, depth = [], 0
    # re.split with a capturing group alternates text (even) and allowed tags (odd).
    for index, piece in enumerate(_TEXTCARD_TAG.split(html.escape(description, quote=True))):
        if index % 2 == 0:
            out.append(piece)
        elif piece.startswith("&lt;div"):
            out.append(f'<div class="tc-{piece.split("&quot;")[1]}">')
            depth += 1
        elif piece.startswith("&lt;br"):
            out.append("<br>")
        elif depth:
            out.append("</div>")
            depth -= 1
    out.extend("</div>" for _ in range(depth))
    return Markup("".join(out))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _url(value: Any) -> str:
    """Only http(s) links reach an href; anything else (javascript:…) is dropped."""
    text = _text(value).strip()
    return text if text.lower().startswith(("http://", "https://")) else ""


def card_view(delivery: Delivery, click_url: str) -> dict[str, Any]:
    """Every field the card template shows, with defaults so the template never guesses."""
    card = delivery.body
    source, main = _dict(card.get("source")), _dict(card.get("main_title"))
    emphasis, quote = _dict(card.get("emphasis_content")), _dict(card.get("quote_area"))
    interactive = card.get("card_type") in INTERACTIVE_CARDS
    return {
        "card_type": _text(card.get("card_type")),
        "source": _text(source.get("desc")),
        "source_color": _DESC_COLORS.get(source.get("desc_color", 0), "grey"),
        "title": _text(main.get("title")),
        "desc": _text(main.get("desc")),
        "emphasis_title": _text(emphasis.get("title")),
        "emphasis_desc": _text(emphasis.get("desc")),
        "quote": _text(quote.get("quote_text") or quote.get("title")),
        "sub_title": _text(card.get("sub_title_text")),
        "rows": [
            {
                "key": _text(i.get("keyname")),
                "value": _text(i.get("value")),
                "url": _url(i.get("url")) if i.get("type") == 1 else "",
            }
            for i in _items(card.get("horizontal_content_list"))
        ],
        "jumps": [
            {"title": _text(j.get("title")), "url": _url(j.get("url"))}
            for j in _items(card.get("jump_list"))
        ],
        "action_url": _url(_dict(card.get("card_action")).get("url")),
        "buttons": [
            {
                "text": _text(b.get("text")),
                "style": int(b.get("style") or 1),
                "key": _text(b.get("key")),
                "url": _url(b.get("url")) if b.get("type") == 1 else "",
            }
            for b in _items(card.get("button_list"))
        ],
        "task_id": _text(card.get("task_id")),
        "replace_name": delivery.replace_name or "",
        "clickable": interactive and not delivery.replace_name and not delivery.recalled,
        "click_url": click_url,
        "updates": delivery.updates,
    }


def message_view(delivery: Delivery, click_url: str) -> dict[str, Any]:
    """A delivered message as the inbox template shows it."""
    body = delivery.body
    view: dict[str, Any] = {
        "id": delivery.id,
        "msgid": delivery.msgid,
        "msgtype": delivery.msgtype,
        "time": datetime.fromtimestamp(delivery.time, CHINA).strftime("%Y-%m-%d %H:%M:%S"),
        "recalled": delivery.recalled,
        "truncated": delivery.truncated,
        "content": _text(body.get("content")),
        "html": Markup(""),
        "title": _text(body.get("title")),
        "url": _url(body.get("url")),
        "btntxt": _text(body.get("btntxt")),
        "articles": [
            {
                "title": _text(a.get("title")),
                "description": _text(a.get("description")),
                "url": _url(a.get("url")),
                "picurl": _url(a.get("picurl")),
            }
            for a in _items(body.get("articles"))
        ],
        "card": card_view(delivery, click_url) if delivery.msgtype == "template_card" else {},
    }
    if delivery.msgtype == "markdown":
        view["html"] = render_markdown(view["content"])
    elif delivery.msgtype == "textcard":
        view["html"] = render_textcard(_text(body.get("description")))
    return view
