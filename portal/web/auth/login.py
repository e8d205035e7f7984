"""Sign-in through WeCom: in-app OAuth on phones, web login on desktops; and sign-out.

`state` is random, bound to the session, single use and short-lived; `next` is only ever a
local path. Codes, states and tokens never reach a log.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.directory.errors import SignInExpired
from portal.directory.service import sign_in_with_code, sign_out
from portal.web.core.access import current_user, end_session, start_session
from portal.web.core.csrf import rotate_csrf_token
from portal.web.core.rendering import language_of, render
from portal.web.core.state import app_state, current_time
from portal.web.home.pages import local_path

OAUTH_KEY = "oauth"
STATE_LIFETIME_S = 10 * 60


def in_wecom_app(request: Request) -> bool:
    # Personal WeChat also says MicroMessenger; only `wxwork` is the WeCom app.
    return "wxwork" in request.headers.get("user-agent", "").lower()


def _redirect_uri(request: Request) -> str:
    return app_state(request)["settings"].url(request.url_for("auth:callback").path)


def _begin(request: Request) -> str:
    """A fresh state bound to this session (replacing any earlier one)."""
    pending: dict[str, Any] = dict(request.session.get(OAUTH_KEY) or {})
    state = secrets.token_hex(16)
    pending.update(state=state, at=int(app_state(request)["clock"].timestamp()))
    request.session[OAUTH_KEY] = pending
    return state


def _take_state(request: Request, sent: str | None) -> dict[str, Any]:
    """Check and consume the session's state; raise SignInExpired when it does not match."""
    pending = request.session.pop(OAUTH_KEY, None)
    if not isinstance(pending, dict) or not sent or not isinstance(pending.get("state"), str):
        raise SignInExpired()
    if not hmac.compare_digest(pending["state"], sent):
        raise SignInExpired()
    if app_state(request)["clock"].timestamp() - int(pending.get("at", 0)) > STATE_LIFETIME_S:
        raise SignInExpired()
    return pending


async def login(request: Request) -> Response:
    target = local_path(request.query_params.get("next"), default="")
    if await current_user(request) is not None:
        return RedirectResponse(target or "/", status_code=303)
    if target:
        request.session[OAUTH_KEY] = {"next": target}
    if in_wecom_app(request):
        wecom = app_state(request)["wecom"]
        url = wecom.oauth.authorize_url(_redirect_uri(request), _begin(request))
        return RedirectResponse(url, status_code=303)
    refused = request.query_params.get("refused") == "1"
    return render(request, "auth/login.html", {"refused": refused})


async def start_web_login(request: Request) -> Response:
    wecom = app_state(request)["wecom"]
    lang: Literal["zh", "en"] = "en" if language_of(request).code == "en" else "zh"
    url = wecom.oauth.web_login_url(_redirect_uri(request), _begin(request), lang=lang)
    return RedirectResponse(url, status_code=303)


async def callback(request: Request) -> Response:
    pending = _take_state(request, request.query_params.get("state"))
    code = request.query_params.get("code")
    if not code:
        # WeCom sends the state back without a code when the person declines.
        return RedirectResponse(f"{request.url_for('auth:login').path}?refused=1", 303)
    state = app_state(request)
    person = await sign_in_with_code(
        state["db"],
        state["wecom"],
        state["role_sources"],
        code=code,
        ip=request.client.host if request.client else None,
        now=current_time(request),
    )
    start_session(request, person)
    rotate_csrf_token(request)
    return RedirectResponse(local_path(pending.get("next")), status_code=303)


async def logout(request: Request) -> Response:
    user = await current_user(request)
    if user is not None:
        # The epoch, not the cookie, ends the session: a copy of the cookie stops working too.
        everywhere = (await request.form()).get("everywhere") == "1"
        db, now = app_state(request)["db"], current_time(request)
        await sign_out(db, user, everywhere=everywhere, now=now)
    end_session(request)
    return RedirectResponse(request.url_for("home:landing").path, status_code=303)
