"""Minimal Chinese and English labels for the sandbox pages."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import QueryParams

LANGS = ("zh", "en")

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "sandbox": "企业微信沙箱",
        "switch": "English",
        "login_title": "企业微信登录",
        "oauth_title": "企业微信授权",
        "login_hint": "选择一位成员登录（沙箱代替扫码 / 客户端确认）",
        "login_for": "登录到应用",
        "outsider": "个人微信用户（非企业成员）",
        "refuse": "拒绝登录",
        "error_title": "无法完成登录",
        "inbox_title": "收件箱",
        "inbox_index": "成员收件箱",
        "messages": "条消息",
        "no_messages": "暂无消息",
        "recalled": "该消息已撤回",
        "details": "详情",
        "callback_unset": "未配置回调地址（callback_url），按钮不会通知门户。",
        "callback_to": "按钮回调发送至",
        "callback_result": "回调结果",
        "status": "状态",
        "disabled": "已禁用",
        "back": "返回",
        "not_found": "找不到该成员",
        "members": "成员",
    },
    "en": {
        "sandbox": "WeCom sandbox",
        "switch": "中文",
        "login_title": "Log in with WeCom",
        "oauth_title": "WeCom authorization",
        "login_hint": "Pick a member to log in as (stands in for the QR scan / client confirm)",
        "login_for": "Log in to app",
        "outsider": "Personal WeChat user (not a member)",
        "refuse": "Refuse login",
        "error_title": "Cannot log in",
        "inbox_title": "Inbox",
        "inbox_index": "Member inboxes",
        "messages": "messages",
        "no_messages": "No messages yet",
        "recalled": "This message was recalled",
        "details": "Details",
        "callback_unset": "No callback_url configured: buttons will not reach the portal.",
        "callback_to": "Button callbacks go to",
        "callback_result": "Callback result",
        "status": "Status",
        "disabled": "disabled",
        "back": "Back",
        "not_found": "No such member",
        "members": "members",
    },
}


def pick_lang(params: Mapping[str, str]) -> str:
    """The page language from a `lang` parameter (default Chinese, like WeCom)."""
    lang = params.get("lang", "zh")
    return lang if lang in LANGS else "zh"


def switch_query(params: QueryParams | Mapping[str, str], lang: str) -> str:
    """The same query string with the other language selected."""
    other = "en" if lang == "zh" else "zh"
    items = [(k, v) for k, v in params.items() if k != "lang"] + [("lang", other)]
    return str(QueryParams(items))
