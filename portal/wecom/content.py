"""What every app message shares: WeCom's content limits and the checks behind them.

Byte limits are UTF-8 bytes (wecom-api.md §2.1); a check raises `InvalidMessage` or
`MessageTooLong` before anything is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

from portal.wecom.errors import InvalidMessage, MessageTooLong

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


def check_text(
    name: str, value: str | None, limit: int, *, required: bool = False, chars: bool = False
) -> None:
    if value is None or value == "":
        if required:
            raise InvalidMessage(f"{name} is required")
        return
    size = len(value) if chars else len(value.encode())
    if size > limit:
        raise MessageTooLong(name, limit, size, "characters" if chars else "bytes")


def check_url(name: str, url: str | None, *, required: bool = False) -> None:
    check_text(name, url, MAX_URL_BYTES, required=required)
    if url and not url.startswith(("http://", "https://")):
        raise InvalidMessage(f"{name} must be an absolute http(s) URL")


def check_count(name: str, items: Sequence[object], low: int, high: int) -> None:
    if not low <= len(items) <= high:
        raise InvalidMessage(f"{name} takes {low}–{high} items, got {len(items)}")


def compact(**fields: Any) -> JSON:
    return {k: v for k, v in fields.items() if v is not None and v != [] and v != ""}


class Message(Protocol):
    msgtype: ClassVar[str]

    def payload(self) -> JSON: ...
