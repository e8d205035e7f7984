from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from portal.clock import FrozenClock
from portal.db.database import Database
from portal.db.tokens import DatabaseTokenStore
from portal.wecom import sandbox as demo
from portal.wecom.tokens import ACCESS_TOKEN
from tests.conftest import Auth
from tests.support.html import attr, one, soup, text
from tests.support.sandbox import SandboxControl
from tests.wecom.support import demo_client

WECOM_UA = (
    "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 wxwork/4.1.22 MicroMessenger/7.0.1"
)
WECHAT_UA = "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.40"


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


async def test_login_in_wecom_app_redirects_to_in_app_oauth(
    client: httpx.AsyncClient, sandbox: SandboxControl
) -> None:
    response = await client.get("/login", headers={"User-Agent": WECOM_UA})
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(sandbox.base_url + "/connect/oauth2/authorize?")
    assert location.endswith("#wechat_redirect")
    params = query_of(location.split("#")[0])
    assert params["appid"] == demo.DEMO_CORP_ID
    assert params["redirect_uri"] == "http://testserver/auth/callback"
    assert params["response_type"] == "code" and params["scope"] == "snsapi_base"
    assert params["agentid"] == str(demo.DEMO_AGENT_ID)
    assert params["state"].isalnum() and len(params["state"]) >= 16


async def test_login_in_personal_wechat_shows_sign_in_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/login", headers={"User-Agent": WECHAT_UA})
    assert response.status_code == 200
    assert attr(one(soup(response), "#wecom-login"), "href") == "/login/wecom"


async def test_web_login_redirects_to_web_login_with_language(
    client: httpx.AsyncClient, sandbox: SandboxControl
) -> None:
    response = await client.get("/login/wecom", headers={"Accept-Language": "en"})
    location = response.headers["location"]
    assert location.startswith(sandbox.base_url + "/wwlogin/sso/login?")
    params = query_of(location)
    assert params["login_type"] == "CorpApp" and params["lang"] == "en"
    assert params["appid"] == demo.DEMO_CORP_ID


@pytest.mark.parametrize(
    ("userid", "role_text"),
    [
        (demo.DEMO_HR_USERID, "HR 协调员"),
        (demo.DEMO_INTERVIEWER_USERID, "面试官"),
        (demo.DEMO_ADMIN_USERID, "管理员"),
    ],
)
async def test_sign_in_lands_on_home_with_name_and_role(
    client: httpx.AsyncClient, auth: Auth, userid: str, role_text: str
) -> None:
    response = await auth.login_as(userid)
    assert response.headers["location"] == "/"
    home = soup(await client.get("/"))
    member = next(m for m in demo.demo_org().members if m.userid == userid)
    assert member.name in text(home, "#account-name")
    assert text(home, ".welcome .badge") == role_text


async def test_sign_in_returns_to_saved_next(client: httpx.AsyncClient, auth: Auth) -> None:
    response = await client.get("/admin/people?q=li")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fadmin%2Fpeople%3Fq%3Dli"
    await client.get(response.headers["location"])
    done = await auth.login_as(demo.DEMO_ADMIN_USERID)
    assert done.headers["location"] == "/admin/people?q=li"


@pytest.mark.parametrize("next_value", ["//evil.example/", "https://evil.example/", "/\\evil"])
async def test_sign_in_foreign_next_goes_home(
    client: httpx.AsyncClient, auth: Auth, next_value: str
) -> None:
    await client.get("/login", params={"next": next_value})
    done = await auth.login_as(demo.DEMO_HR_USERID)
    assert done.headers["location"] == "/"


async def test_sign_in_rotates_session_and_csrf_token(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    before = await auth.csrf_token()
    await auth.login_as(demo.DEMO_HR_USERID)
    assert await auth.csrf_token() != before


@pytest.mark.parametrize("state", ["tampered0000000000000000", "", None])
async def test_callback_bad_state_is_400_with_sign_in_again(
    client: httpx.AsyncClient, auth: Auth, sandbox: SandboxControl, state: str | None
) -> None:
    await auth.start()
    params = {"code": sandbox.code_for(demo.DEMO_HR_USERID)}
    if state is not None:
        params["state"] = state
    response = await client.get("/auth/callback", params=params)
    assert response.status_code == 400
    page = soup(response)
    assert attr(one(page, ".error-page a.button"), "href") == "/login"


async def test_callback_reused_state_is_400(
    client: httpx.AsyncClient, auth: Auth, sandbox: SandboxControl
) -> None:
    state = await auth.start()
    first = await client.get(
        "/auth/callback", params={"code": sandbox.code_for(demo.DEMO_HR_USERID), "state": state}
    )
    assert first.status_code == 303
    again = await client.get(
        "/auth/callback", params={"code": sandbox.code_for(demo.DEMO_HR_USERID), "state": state}
    )
    assert again.status_code == 400


async def test_callback_expired_state_is_400(
    client: httpx.AsyncClient, auth: Auth, sandbox: SandboxControl, clock: FrozenClock
) -> None:
    state = await auth.start()
    clock.advance(11 * 60)
    response = await client.get(
        "/auth/callback",
        params={"code": sandbox.code_for(demo.DEMO_HR_USERID), "state": state},
    )
    assert response.status_code == 400


async def test_callback_reused_code_is_400_not_500(
    client: httpx.AsyncClient, auth: Auth, sandbox: SandboxControl
) -> None:
    code = sandbox.code_for(demo.DEMO_HR_USERID)
    state = await auth.start()
    assert (
        await client.get("/auth/callback", params={"code": code, "state": state})
    ).status_code == 303
    await auth.logout()
    state = await auth.start()
    response = await client.get(
        "/auth/callback", params={"code": code, "state": state}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    page = soup(response)
    assert text(page, ".error-page h1") == (
        "Your sign-in attempt expired or was already used. Please sign in again."
    )
    button = one(page, ".error-page a.button")
    assert button.get_text().strip() == "Sign in again" and attr(button, "href") == "/login"


async def test_callback_refused_login_returns_to_sign_in_with_message(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    state = await auth.start()
    response = await client.get("/auth/callback", params={"state": state})
    assert response.headers["location"] == "/login?refused=1"
    page = soup(await client.get("/login?refused=1", headers={"Accept-Language": "en"}))
    assert text(page, ".alert-warn") == "The WeCom sign-in was cancelled. You can try again."


@pytest.mark.parametrize(
    "fault",
    [
        {"path": "auth/getuserinfo", "http_status": 503, "times": 5},
        {"path": "auth/getuserinfo", "errcode": -1, "times": 5},
    ],
)
async def test_callback_wecom_down_is_503_with_retry(
    client: httpx.AsyncClient, auth: Auth, sandbox: SandboxControl, fault: dict[str, object]
) -> None:
    state = await auth.start()
    code = sandbox.code_for(demo.DEMO_HR_USERID)
    sandbox.fault(**fault)
    response = await client.get(
        "/auth/callback", params={"code": code, "state": state}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 503
    page = soup(response)
    assert "WeCom could not be reached" in text(page, "h1")
    assert attr(one(page, ".error-page a.button"), "href") == "/login"


async def test_callback_non_member_is_403(
    client: httpx.AsyncClient, auth: Auth, sandbox: SandboxControl
) -> None:
    state = await auth.start()
    code = sandbox.code_for_openid("oAbCdEfG-outsider")
    response = await client.get("/auth/callback", params={"code": code, "state": state})
    assert response.status_code == 403
    assert (await client.get("/")).text.count("account-name") == 0


async def test_callback_disabled_member_is_403(
    client: httpx.AsyncClient, auth: Auth, sandbox: SandboxControl
) -> None:
    state = await auth.start()
    code = sandbox.code_for(demo.DEMO_DISABLED_USERID)
    response = await client.get("/auth/callback", params={"code": code, "state": state})
    assert response.status_code == 403


async def test_logout_ends_session(client: httpx.AsyncClient, auth: Auth) -> None:
    await auth.login_as(demo.DEMO_ADMIN_USERID)
    assert (await client.get("/admin/people")).status_code == 200
    await auth.logout()
    assert (await client.get("/admin/people")).status_code == 303


async def test_sign_in_logs_no_code_state_or_cookie(
    client: httpx.AsyncClient, auth: Auth, sandbox: SandboxControl, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    state = await auth.start()
    code = sandbox.code_for(demo.DEMO_HR_USERID)
    await client.get("/auth/callback", params={"code": code, "state": state})
    await client.get("/auth/callback", params={"code": code, "state": "x" * 32})
    # The portal's own loggers at every level; third-party loggers are held above the levels
    # where they print URLs or query arguments (see test_logging_quiets_third_party_loggers).
    text = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("portal"))
    assert "GET /auth/callback" in text
    assert code not in text and state not in text
    assert "portal_session" not in text


def test_logging_quiets_third_party_loggers() -> None:
    from portal.logs import configure_logging

    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    names = ["httpx", "httpcore", "databases", "uvicorn.access"]
    saved_loggers = {n: (logging.getLogger(n).level, logging.getLogger(n).disabled) for n in names}
    configure_logging("DEBUG")
    try:
        assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
        assert not logging.getLogger("databases").isEnabledFor(logging.DEBUG)
        assert logging.getLogger("uvicorn.access").disabled
    finally:
        root.handlers[:], root.level = saved
        for name, (level, disabled) in saved_loggers.items():
            logging.getLogger(name).setLevel(level)
            logging.getLogger(name).disabled = disabled


async def test_language_switch_signed_in_saves_person_setting(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    await auth.login_as(demo.DEMO_HR_USERID)
    token = await auth.csrf_token()
    await client.post("/language", data={"language": "en", "csrf_token": token})
    await auth.logout()
    client.cookies.clear()  # a new device: no session language, a Chinese browser
    await auth.login_as(demo.DEMO_HR_USERID)
    page = soup(await client.get("/", headers={"Accept-Language": "zh-CN"}))
    assert text(page, "h1").startswith("Hello")


async def test_callback_wecom_refuses_our_settings_is_503_for_an_admin(
    client: httpx.AsyncClient, auth: Auth, sandbox: SandboxControl
) -> None:
    state = await auth.start()
    code = sandbox.code_for(demo.DEMO_HR_USERID)
    sandbox.fault(path="auth/getuserinfo", errcode=60020, times=1)
    response = await client.get(
        "/auth/callback", params={"code": code, "state": state}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 503
    assert "An administrator must correct them." in text(soup(response), ".error-page h1")


async def test_callback_after_revocation_of_a_token_another_process_refreshed_signs_in(
    client: httpx.AsyncClient, auth: Auth, sandbox: SandboxControl, clock: FrozenClock, db: Database
) -> None:
    await auth.login_as(demo.DEMO_HR_USERID)  # the portal caches token 1
    client.cookies.clear()
    store = DatabaseTokenStore(db, clock=clock.timestamp)  # another process, same database
    async with demo_client(sandbox.base_url, clock, token_store=store) as other:
        await other.tokens.invalidate(ACCESS_TOKEN, await other.tokens.access_token())
        await other.user.get("lina")  # stores token 2
    sandbox.invalidate_tokens()  # WeCom revokes both
    response = await auth.login_as(demo.DEMO_HR_USERID)
    assert response.headers["location"] == "/"
