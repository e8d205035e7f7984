"""Staff login: the in-app OAuth URL, the desktop web-login URL, and code → identity.

Both URLs end at `redirect_uri?code=…&state=…`; the code is single use and lives 5 minutes,
so exchange it once (`get_user_info`) and redirect to a clean URL (wecom-api.md §3, §8.10).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

if TYPE_CHECKING:
    from portal.wecom.client import WeComClient

OAUTH_BASE = "https://open.weixin.qq.com"
WEB_LOGIN_BASE = "https://login.work.weixin.qq.com"

Scope = Literal["snsapi_base", "snsapi_privateinfo"]
Lang = Literal["zh", "en"]

_STATE = re.compile(r"[A-Za-z0-9]{1,128}")


def authorize_url(
    *,
    corp_id: str,
    redirect_uri: str,
    state: str,
    agent_id: int | None = None,
    scope: Scope = "snsapi_base",
    base: str = OAUTH_BASE,
) -> str:
    """The in-app OAuth URL, parameters in the documented order, `#wechat_redirect` last.

    https://developer.work.weixin.qq.com/document/path/91022
    """
    if not _STATE.fullmatch(state):
        raise ValueError("OAuth state must be 1–128 characters of a-z, A-Z, 0-9")
    if scope not in ("snsapi_base", "snsapi_privateinfo"):
        raise ValueError(f"unknown OAuth scope {scope!r}")
    if scope == "snsapi_privateinfo" and agent_id is None:
        raise ValueError("snsapi_privateinfo needs agent_id")
    agent = f"&agentid={agent_id}" if agent_id is not None else ""
    return (
        f"{base.rstrip('/')}/connect/oauth2/authorize?appid={quote(corp_id, safe='')}"
        f"&redirect_uri={quote(redirect_uri, safe='')}&response_type=code&scope={scope}"
        f"&state={state}{agent}#wechat_redirect"
    )


def web_login_url(
    *,
    corp_id: str,
    agent_id: int,
    redirect_uri: str,
    state: str,
    lang: Lang = "zh",
    base: str = WEB_LOGIN_BASE,
) -> str:
    """The desktop web-login URL (QR scan or one-click through the WeCom desktop client).

    https://developer.work.weixin.qq.com/document/path/98152
    """
    if not state or len(state.encode()) > 128:
        raise ValueError("login state must be 1–128 bytes")
    if lang not in ("zh", "en"):
        raise ValueError("lang must be 'zh' or 'en'")
    return (
        f"{base.rstrip('/')}/wwlogin/sso/login?login_type=CorpApp"
        f"&appid={quote(corp_id, safe='')}&agentid={agent_id}"
        f"&redirect_uri={quote(redirect_uri, safe='')}&state={quote(state, safe='')}&lang={lang}"
    )


@dataclass(frozen=True)
class Member:
    """A member of the corp; `user_ticket` only after snsapi_privateinfo consent."""

    userid: str
    user_ticket: str | None = None


@dataclass(frozen=True)
class NonMember:
    """Someone outside the corp (e.g. a personal WeChat user)."""

    openid: str
    external_userid: str | None = None


@dataclass(frozen=True)
class UserDetail:
    """Sensitive profile fields; each is None unless enabled for the app and consented to."""

    userid: str
    gender: str | None = None
    avatar: str | None = None
    qr_code: str | None = None
    mobile: str | None = None
    email: str | None = None
    biz_mail: str | None = None
    address: str | None = None


class OAuth:
    """`client.oauth`: login URLs for this app and the code exchange."""

    def __init__(
        self,
        client: WeComClient,
        *,
        oauth_base: str = OAUTH_BASE,
        web_login_base: str = WEB_LOGIN_BASE,
    ) -> None:
        self._client = client
        self.oauth_base = oauth_base
        self.web_login_base = web_login_base

    def authorize_url(self, redirect_uri: str, state: str, *, scope: Scope = "snsapi_base") -> str:
        """The in-app OAuth URL for this app.

        https://developer.work.weixin.qq.com/document/path/91022
        """
        return authorize_url(
            corp_id=self._client.corp_id,
            redirect_uri=redirect_uri,
            state=state,
            agent_id=self._client.agent_id,
            scope=scope,
            base=self.oauth_base,
        )

    def web_login_url(self, redirect_uri: str, state: str, *, lang: Lang = "zh") -> str:
        """The desktop web-login URL for this app.

        https://developer.work.weixin.qq.com/document/path/98152
        """
        return web_login_url(
            corp_id=self._client.corp_id,
            agent_id=self._client.agent_id,
            redirect_uri=redirect_uri,
            state=state,
            lang=lang,
            base=self.web_login_base,
        )

    async def get_user_info(self, code: str) -> Member | NonMember:
        """Exchange a login code (once) for the visitor's identity; 40029 → `InvalidCode`.

        https://developer.work.weixin.qq.com/document/path/91023
        """
        data = await self._client.get("auth/getuserinfo", {"code": code})
        if data.get("userid"):
            return Member(str(data["userid"]), _opt(data, "user_ticket"))
        return NonMember(str(data.get("openid", "")), _opt(data, "external_userid"))

    async def get_user_detail(self, user_ticket: str) -> UserDetail:
        """Read the sensitive profile a member consented to share (snsapi_privateinfo).

        https://developer.work.weixin.qq.com/document/path/95833
        """
        data = await self._client.post("auth/getuserdetail", {"user_ticket": user_ticket})
        return UserDetail(
            userid=str(data.get("userid", "")),
            **{
                name: _opt(data, name)
                for name in ("gender", "avatar", "qr_code", "mobile", "email", "biz_mail")
            },
            address=_opt(data, "address"),
        )


def _opt(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return str(value) if value not in (None, "") else None
