"""Stand-ins for WeCom's login screens: in-app OAuth, web login and the legacy QR login.

GET shows a member chooser; POST (one click on a member) issues a single-use code and
redirects to `redirect_uri?code=…&state=…`. Refusing redirects with `state` only, as WeCom does.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .context import Sandbox, sandbox_of
from .i18n import LABELS, pick_lang, switch_query

OAUTH, WEB, QR = "oauth", "web", "qr"
SCOPES = ("snsapi_base", "snsapi_privateinfo")
_PARAMS = {
    OAUTH: ("appid", "redirect_uri", "response_type", "scope", "state", "agentid", "lang"),
    WEB: ("login_type", "appid", "agentid", "redirect_uri", "state", "lang"),
    QR: ("appid", "agentid", "redirect_uri", "state", "lang"),
}
_ROUTE = {OAUTH: "oauth-authorize", WEB: "web-login", QR: "qr-login"}
_OAUTH_STATE = re.compile(r"[A-Za-z0-9]{0,128}")


@dataclass(frozen=True)
class LoginRequest:
    """The query of a login URL, as the chooser carries it through."""

    kind: str
    params: dict[str, str]

    def get(self, key: str) -> str:
        """A parameter, or "" when absent."""
        return self.params.get(key, "")


def _common_errors(login: LoginRequest, sandbox: Sandbox) -> list[str]:
    config = sandbox.config
    errors = []
    if login.get("appid") != config.corp_id:
        errors.append(f"appid must be the corp id ({config.corp_id}), got {login.get('appid')!r}")
    agentid = login.get("agentid")
    if (agentid or login.kind != OAUTH) and agentid != str(config.agent_id):
        errors.append(f"agentid must be {config.agent_id}, got {agentid!r}")
    parts = urlsplit(login.get("redirect_uri"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        errors.append("redirect_uri must be an absolute http(s) URL")
    if len(login.get("state").encode()) > 128:
        errors.append("state must be at most 128 bytes")
    return errors


def validate(login: LoginRequest, sandbox: Sandbox) -> list[str]:
    """Everything WeCom would refuse about this login request."""
    errors = _common_errors(login, sandbox)
    if login.kind == OAUTH:
        if login.get("response_type") != "code":
            errors.append("response_type must be code")
        if login.get("scope") not in SCOPES:
            errors.append(f"scope must be one of {', '.join(SCOPES)}")
        if login.get("scope") == "snsapi_privateinfo" and not login.get("agentid"):
            errors.append("snsapi_privateinfo needs agentid")
        if not _OAUTH_STATE.fullmatch(login.get("state")):
            errors.append("state may only contain a-z A-Z 0-9 (at most 128)")
    if login.kind == WEB and login.get("login_type") != "CorpApp":
        errors.append("login_type must be CorpApp for a self-built app")
    return errors


def redirect_with(uri: str, **params: str) -> str:
    """Append parameters to a redirect URI that may already carry a query."""
    parts = urlsplit(uri)
    extra = urlencode(params)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))


def _chooser(request: Request, sandbox: Sandbox, login: LoginRequest) -> dict[str, Any]:
    lang = pick_lang(login.params)
    org = sandbox.config.org
    groups = []
    for dept in org.departments:
        members = [
            {"userid": m.userid, "name": m.name, "name_en": m.name_en, "position": m.position}
            for m in org.existing_members()
            if m.can_receive and m.main_department == dept.id
        ]
        if members:
            groups.append({"name": dept.name if lang == "zh" else dept.name_en, "members": members})
    here = sandbox.path_for(request, _ROUTE[login.kind])
    return {
        "t": LABELS[lang],
        "lang": lang,
        "switch_url": f"{here}?{switch_query(login.params, lang)}",
        "title": LABELS[lang]["oauth_title" if login.kind == OAUTH else "login_title"],
        "action": here,
        "hidden": sorted(login.params.items()),
        "groups": groups,
        "agent_id": sandbox.config.agent_id,
        "corp_id": sandbox.config.corp_id,
        "refuse_url": redirect_with(login.get("redirect_uri"), state=login.get("state")),
    }


def _error_page(
    request: Request, sandbox: Sandbox, login: LoginRequest, errors: list[str]
) -> Response:
    lang = pick_lang(login.params)
    context = {"t": LABELS[lang], "lang": lang, "errors": errors, "switch_url": ""}
    return sandbox.render(request, "error.html", context, 400)


async def _read(request: Request, kind: str) -> LoginRequest:
    source: Any = await request.form() if request.method == "POST" else request.query_params
    params = {key: str(source.get(key)) for key in _PARAMS[kind] if source.get(key) is not None}
    return LoginRequest(kind, params)


async def _login(request: Request, kind: str) -> Response:
    sandbox = sandbox_of(request)
    login = await _read(request, kind)
    errors = validate(login, sandbox)
    if errors:
        return _error_page(request, sandbox, login, errors)
    if request.method == "GET":
        context = _chooser(request, sandbox, login)
        return sandbox.render(request, "login.html", context)
    return await _pick(request, sandbox, login)


async def _pick(request: Request, sandbox: Sandbox, login: LoginRequest) -> Response:
    form = await request.form()
    state = sandbox.state
    if form.get("outsider"):
        code = state.issue_code(openid="o" + secrets.token_hex(14))
    else:
        member = sandbox.config.org.member(str(form.get("userid", "")))
        if member is None or not member.can_receive:
            return _error_page(request, sandbox, login, ["pick an active member"])
        scope = login.get("scope") if login.kind == OAUTH else "snsapi_base"
        code = state.issue_code(userid=member.userid, scope=scope)
    target = redirect_with(login.get("redirect_uri"), code=code, state=login.get("state"))
    return RedirectResponse(target, status_code=303)


async def oauth_authorize(request: Request) -> Response:
    """In-app OAuth (`open.weixin.qq.com/connect/oauth2/authorize`)."""
    return await _login(request, OAUTH)


async def web_login(request: Request) -> Response:
    """Web login (`login.work.weixin.qq.com/wwlogin/sso/login`)."""
    return await _login(request, WEB)


async def qr_login(request: Request) -> Response:
    """Legacy QR login (`open.work.weixin.qq.com/wwopen/sso/qrConnect`)."""
    return await _login(request, QR)


routes = [
    Route(
        "/connect/oauth2/authorize", oauth_authorize, methods=["GET", "POST"], name=_ROUTE[OAUTH]
    ),
    Route("/wwlogin/sso/login", web_login, methods=["GET", "POST"], name=_ROUTE[WEB]),
    Route("/wwopen/sso/qrConnect", qr_login, methods=["GET", "POST"], name=_ROUTE[QR]),
]
