"""WeCom-style errcode answers for the sandbox API."""

from __future__ import annotations

from typing import Any

# Short English texts in the style of WeCom's errmsg; clients must never branch on them.
ERRMSG: dict[int, str] = {
    -1: "system busy",
    40001: "invalid credential",
    40003: "invalid userid",
    40008: "invalid message type",
    40013: "invalid corpid",
    40014: "invalid access_token",
    40029: "invalid code",
    40031: "invalid userid list",
    40032: "invalid userid list size",
    40033: "invalid charset. please check your request, if include \\uxxxx will create fail!",
    40056: "invalid agentid",
    40058: "invalid parameter",
    40068: "invalid tagid",
    40094: "invalid url",
    41001: "access_token missing",
    41002: "corpid missing",
    41004: "corpsecret missing",
    41009: "missing userid",
    41011: "missing agentid",
    41016: "missing title",
    41017: "missing tagid",
    41033: "missing description",
    42001: "access_token expired",
    43002: "require POST method",
    44004: "empty content",
    45008: "news articles count exceeds limit",
    45009: "api freq out of limit",
    45033: "api concurrent out of limit",
    47001: "data format error",
    48001: "api not implemented by sandbox",
    48002: "api forbidden",
    60011: "no privilege to access/modify contact/party/agent",
    60020: "not allow to access from your ip",
    60111: "userid not found",
    60123: "invalid party id",
    81013: "user & party & tag all invalid",
    82002: "invalid party list size",
    82003: "invalid tag list size",
    84014: "invalid user ticket, expired",
    84015: "invalid user ticket",
    301002: "no privilege to access/modify this app",
}


def errmsg(errcode: int, detail: str = "") -> str:
    """Build an errmsg shaped like WeCom's (text, hint, source ip, help link)."""
    text = ERRMSG.get(errcode, "error injected by sandbox")
    if detail:
        text = f"{text}: {detail}"
    return (
        f"{text}, hint: [sandbox], from ip: 127.0.0.1, "
        f"more info at https://open.work.weixin.qq.com/devtool/query?e={errcode}"
    )


class ApiError(Exception):
    """An errcode answer raised by an endpoint handler."""

    def __init__(self, errcode: int, detail: str = "", **extra: Any) -> None:
        super().__init__(errcode, detail)
        self.errcode = errcode
        self.detail = detail
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The JSON body WeCom would answer with (HTTP 200)."""
        return {"errcode": self.errcode, "errmsg": errmsg(self.errcode, self.detail), **self.extra}


def ok(**fields: Any) -> dict[str, Any]:
    """A success body."""
    return {"errcode": 0, "errmsg": "ok", **fields}
