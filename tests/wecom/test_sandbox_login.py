"""Sandbox login stand-ins over real HTTP: chooser pages, code + state redirects, refusals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup, Tag
from starlette.applications import Starlette
from starlette.routing import Mount

from portal.clock import FrozenClock
from portal.wecom.sandbox import (
    DEMO_AGENT_ID,
    DEMO_CORP_ID,
    DEMO_DISABLED_USERID,
    DEMO_HR_USERID,
    DEMO_INTERVIEWER_USERID,
    SandboxConfig,
    create_sandbox_app,
)

REDIRECT = "http://portal.test:8000/auth/callback"
OAUTH = "/connect/oauth2/authorize"
WEB = "/wwlogin/sso/login"
QR = "/wwopen/sso/qrConnect"


def oauth_params(**changes: str) -> dict[str, str]:
    params = {
        "appid": DEMO_CORP_ID,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "snsapi_base",
        "state": "abc123",
        "agentid": str(DEMO_AGENT_ID),
    }
    return {**params, **changes}


def web_params(**changes: str) -> dict[str, str]:
    params = {
        "login_type": "CorpApp",
        "appid": DEMO_CORP_ID,
        "agentid": str(DEMO_AGENT_ID),
        "redirect_uri": REDIRECT,
        "state": "s-1_x",
        "lang": "zh",
    }
    return {**params, **changes}


def qr_params(**changes: str) -> dict[str, str]:
    params = web_params(**changes)
    del params["login_type"]
    return params


def soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def only(page: BeautifulSoup | Tag, selector: str) -> Tag:
    found = page.select(selector)
    assert len(found) == 1, f"{selector}: {len(found)} matches"
    return found[0]


def form_of(element: Tag) -> Tag:
    form = element.find_parent("form")
    assert form is not None
    return form


def member_form(page: BeautifulSoup, userid: str) -> tuple[str, dict[str, str]]:
    button = page.select_one(f'button[name="userid"][value="{userid}"]')
    assert button is not None, f"{userid} is not offered"
    form = button.find_parent("form")
    assert form is not None
    fields = {str(i["name"]): str(i["value"]) for i in form.select("input[type=hidden]")}
    return str(form["action"]), {**fields, "userid": userid}


def query_of(location: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(location).query, keep_blank_values=True)


async def pick(http: httpx.AsyncClient, path: str, params: dict[str, str], userid: str) -> str:
    page = await http.get(path, params=params)
    assert page.status_code == 200, page.text
    action, fields = member_form(soup(page), userid)
    response = await http.post(action, data=fields)
    assert response.status_code == 303
    return response.headers["location"]


@pytest.mark.parametrize(
    ("path", "params"), [(OAUTH, oauth_params()), (WEB, web_params()), (QR, qr_params())]
)
async def test_login_pick_member_redirects_with_code_and_state(
    sandbox_http: httpx.AsyncClient, access_token: str, path: str, params: dict[str, str]
) -> None:
    location = await pick(sandbox_http, path, params, DEMO_INTERVIEWER_USERID)
    assert location.startswith(REDIRECT + "?")
    query = query_of(location)
    assert query["state"] == [params["state"]] and len(query["code"]) == 1
    info = await sandbox_http.get(
        "/cgi-bin/auth/getuserinfo",
        params={"access_token": access_token, "code": query["code"][0]},
    )
    assert info.json() == {"errcode": 0, "errmsg": "ok", "userid": DEMO_INTERVIEWER_USERID}


async def test_oauth_privateinfo_scope_code_carries_user_ticket(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    params = oauth_params(scope="snsapi_privateinfo")
    location = await pick(sandbox_http, OAUTH, params, DEMO_HR_USERID)
    code = query_of(location)["code"][0]
    info = await sandbox_http.get(
        "/cgi-bin/auth/getuserinfo", params={"access_token": access_token, "code": code}
    )
    assert info.json()["userid"] == DEMO_HR_USERID and info.json()["user_ticket"]


async def test_login_redirect_uri_with_query_appends_params(
    sandbox_http: httpx.AsyncClient,
) -> None:
    params = web_params(redirect_uri=REDIRECT + "?next=%2Fmine")
    location = await pick(sandbox_http, WEB, params, DEMO_INTERVIEWER_USERID)
    query = query_of(location)
    assert query["next"] == ["/mine"] and query["code"] and query["state"] == ["s-1_x"]


async def test_login_chooser_lists_active_members_by_department(
    sandbox_http: httpx.AsyncClient,
) -> None:
    page = soup(await sandbox_http.get(WEB, params=web_params()))
    offered = {str(b["value"]) for b in page.select('button[name="userid"]')}
    assert DEMO_INTERVIEWER_USERID in offered and DEMO_DISABLED_USERID not in offered
    assert "张伟" in page.get_text() and "Zhang Wei" in page.get_text()
    assert "人力资源部" in [h.get_text() for h in page.select("h2.dept")]
    assert only(page, "link[rel=stylesheet]")["href"] == "/sandbox.css"


async def test_login_chooser_english_lang_shows_english_labels(
    sandbox_http: httpx.AsyncClient,
) -> None:
    page = soup(await sandbox_http.get(WEB, params=web_params(lang="en")))
    assert only(page, "h1").get_text(strip=True) == "Log in with WeCom"
    assert "Human Resources" in [h.get_text() for h in page.select("h2.dept")]
    switch = page.select_one("a.lang-switch")
    assert switch is not None and "lang=zh" in str(switch["href"])


async def test_login_refuse_redirects_with_state_only(sandbox_http: httpx.AsyncClient) -> None:
    page = soup(await sandbox_http.get(QR, params=qr_params()))
    refuse = page.select_one("a.refuse")
    assert refuse is not None
    assert query_of(str(refuse["href"])) == {"state": ["s-1_x"]}


async def test_login_outsider_code_resolves_to_openid(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    page = soup(await sandbox_http.get(OAUTH, params=oauth_params()))
    form = form_of(only(page, 'button[name="outsider"]'))
    fields = {str(i["name"]): str(i["value"]) for i in form.select("input[type=hidden]")}
    response = await sandbox_http.post(str(form["action"]), data={**fields, "outsider": "1"})
    code = query_of(response.headers["location"])["code"][0]
    info = await sandbox_http.get(
        "/cgi-bin/auth/getuserinfo", params={"access_token": access_token, "code": code}
    )
    assert info.json()["openid"] and "userid" not in info.json()


@pytest.mark.parametrize(
    ("path", "params", "reason"),
    [
        (OAUTH, oauth_params(appid="wwother"), "appid"),
        (OAUTH, oauth_params(agentid="1"), "agentid"),
        (OAUTH, oauth_params(response_type="token"), "response_type"),
        (OAUTH, oauth_params(scope="snsapi_userinfo"), "scope"),
        (OAUTH, oauth_params(state="has-dash"), "state"),
        (OAUTH, oauth_params(redirect_uri="/relative"), "redirect_uri"),
        (WEB, web_params(login_type="ServiceApp"), "login_type"),
        (WEB, web_params(agentid=""), "agentid"),
        (QR, qr_params(state="x" * 129), "state"),
    ],
)
async def test_login_invalid_request_shows_error_page(
    sandbox_http: httpx.AsyncClient, path: str, params: dict[str, str], reason: str
) -> None:
    response = await sandbox_http.get(path, params=params)
    assert response.status_code == 400
    errors = [li.get_text() for li in soup(response).select("ul.errors li")]
    assert any(reason in error for error in errors), errors


async def test_login_post_inactive_member_is_refused(sandbox_http: httpx.AsyncClient) -> None:
    response = await sandbox_http.post(
        OAUTH, data={**oauth_params(), "userid": DEMO_DISABLED_USERID}
    )
    assert response.status_code == 400


class TestMountedUnderPrefix:
    """Inside `portal demo` the sandbox lives at /_sandbox: every URL must carry the prefix.

    This needs the sandbox app itself (to mount it), so the class builds one on the test's
    clock and talks to it in process, instead of using the root `sandbox`.
    """

    @pytest.fixture
    async def mounted_http(
        self, wecom_config: SandboxConfig, clock: FrozenClock
    ) -> AsyncIterator[httpx.AsyncClient]:
        inner = create_sandbox_app(wecom_config, clock=clock.timestamp)
        outer = Starlette(routes=[Mount("/_sandbox", app=inner, name="sandbox")])
        transport = httpx.ASGITransport(app=outer)
        async with httpx.AsyncClient(transport=transport, base_url="http://demo.test") as http:
            yield http

    async def test_mounted_login_and_inbox_urls_carry_prefix(
        self, mounted_http: httpx.AsyncClient
    ) -> None:
        location = await pick(
            mounted_http, "/_sandbox" + WEB, web_params(), DEMO_INTERVIEWER_USERID
        )
        assert query_of(location)["code"]
        page = soup(await mounted_http.get("/_sandbox" + WEB, params=web_params()))
        assert {str(f["action"]) for f in page.select("form")} == {"/_sandbox" + WEB}
        assert only(page, "link[rel=stylesheet]")["href"] == "/_sandbox/sandbox.css"
        assert (await mounted_http.get("/_sandbox/sandbox.css")).status_code == 200
        index = soup(await mounted_http.get("/_sandbox/inbox"))
        links = [str(a["href"]) for a in index.select("ul.inboxes a")]
        assert links and all(link.startswith("/_sandbox/inbox/") for link in links)
        root = await mounted_http.get("/_sandbox/")
        assert root.headers["location"] == "/_sandbox/inbox"
