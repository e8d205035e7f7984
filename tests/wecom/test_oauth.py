"""Login URLs (exact parameter order) and the code exchange, through the sandbox's screens."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from portal.clock import FrozenClock
from portal.wecom import (
    InvalidCode,
    Member,
    MemoryTokenStore,
    NonMember,
    WeComClient,
    authorize_url,
    web_login_url,
)
from portal.wecom.sandbox import DEMO_AGENT_ID, DEMO_CORP_ID
from portal.wecom.tokens import ACCESS_TOKEN
from tests.support.sandbox import SandboxControl
from tests.wecom.support import demo_client

REDIRECT = "https://portal.example.com:8443/auth/callback?next=/mine"


def test_authorize_url_parameters_in_documented_order() -> None:
    url = authorize_url(corp_id="ww1", redirect_uri=REDIRECT, state="abc123", agent_id=1000002)
    assert url == (
        "https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww1"
        "&redirect_uri=https%3A%2F%2Fportal.example.com%3A8443%2Fauth%2Fcallback%3Fnext%3D%2Fmine"
        "&response_type=code&scope=snsapi_base&state=abc123&agentid=1000002#wechat_redirect"
    )


def test_authorize_url_privateinfo_scope_with_sandbox_base() -> None:
    url = authorize_url(
        corp_id="ww1",
        redirect_uri="http://127.0.0.1:8000/auth/callback",
        state="s",
        agent_id=7,
        scope="snsapi_privateinfo",
        base="http://127.0.0.1:8000/_sandbox/",
    )
    assert url.startswith("http://127.0.0.1:8000/_sandbox/connect/oauth2/authorize?appid=ww1&")
    assert "&scope=snsapi_privateinfo&state=s&agentid=7#wechat_redirect" in url
    assert url.endswith("#wechat_redirect")


@pytest.mark.parametrize(
    ("state", "scope", "agent_id"),
    [
        ("has-dash", "snsapi_base", 1),
        ("", "snsapi_base", 1),
        ("x" * 129, "snsapi_base", 1),
        ("ok", "snsapi_privateinfo", None),
        ("ok", "snsapi_userinfo", 1),
    ],
)
def test_authorize_url_bad_state_or_scope_raises(
    state: str, scope: str, agent_id: int | None
) -> None:
    with pytest.raises(ValueError):
        authorize_url(
            corp_id="ww1",
            redirect_uri=REDIRECT,
            state=state,
            agent_id=agent_id,
            scope=scope,  # type: ignore[arg-type]
        )


def test_web_login_url_parameters_in_documented_order() -> None:
    url = web_login_url(
        corp_id="ww1", agent_id=1000002, redirect_uri=REDIRECT, state="st/1", lang="en"
    )
    assert url == (
        "https://login.work.weixin.qq.com/wwlogin/sso/login?login_type=CorpApp&appid=ww1"
        "&agentid=1000002"
        "&redirect_uri=https%3A%2F%2Fportal.example.com%3A8443%2Fauth%2Fcallback%3Fnext%3D%2Fmine"
        "&state=st%2F1&lang=en"
    )


def test_web_login_url_bad_lang_raises() -> None:
    with pytest.raises(ValueError):
        web_login_url(corp_id="c", agent_id=1, redirect_uri=REDIRECT, state="s", lang="fr")  # type: ignore[arg-type]


def test_client_oauth_urls_use_client_identity(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    url = wecom_client.oauth.authorize_url(REDIRECT, "abc")
    assert url.startswith(f"{sandbox.base_url}/connect/oauth2/authorize?appid={DEMO_CORP_ID}&")
    assert f"&agentid={DEMO_AGENT_ID}#wechat_redirect" in url
    login = wecom_client.oauth.web_login_url(REDIRECT, "abc", lang="en")
    assert login.startswith(f"{sandbox.base_url}/wwlogin/sso/login?login_type=CorpApp&")


async def pick_member(url: str, userid: str) -> dict[str, str]:
    """Play the person on the sandbox's login screen; return the redirect's query."""
    async with httpx.AsyncClient() as browser:
        page = await browser.get(url)
        assert page.status_code == 200, page.text
        target, _, query = url.partition("#")[0].partition("?")
        form = dict(parse_qsl(query)) | {"userid": userid}
        answer = await browser.post(target, data=form)
    assert answer.status_code == 303
    location = urlsplit(answer.headers["location"])
    assert location.netloc == "portal.example.com:8443"
    return dict(parse_qsl(location.query))


async def test_oauth_flow_code_exchange_returns_member(wecom_client: WeComClient) -> None:
    back = await pick_member(wecom_client.oauth.authorize_url(REDIRECT, "abc123"), "zhangwei")
    assert back["state"] == "abc123" and back["next"] == "/mine"
    identity = await wecom_client.oauth.get_user_info(back["code"])
    assert identity == Member("zhangwei", None)
    with pytest.raises(InvalidCode):
        await wecom_client.oauth.get_user_info(back["code"])


async def test_web_login_flow_code_exchange_returns_member(wecom_client: WeComClient) -> None:
    back = await pick_member(wecom_client.oauth.web_login_url(REDIRECT, "xyz"), "liuyang")
    assert back["state"] == "xyz"
    assert await wecom_client.oauth.get_user_info(back["code"]) == Member("liuyang", None)


async def test_privateinfo_flow_user_ticket_reads_detail(wecom_client: WeComClient) -> None:
    url = wecom_client.oauth.authorize_url(REDIRECT, "p1", scope="snsapi_privateinfo")
    back = await pick_member(url, "lina")
    identity = await wecom_client.oauth.get_user_info(back["code"])
    assert isinstance(identity, Member) and identity.user_ticket
    detail = await wecom_client.oauth.get_user_detail(identity.user_ticket)
    assert detail.userid == "lina"
    assert detail.email == "lina@example.com"
    assert detail.avatar is None  # empty fields come back as None


async def test_code_for_outsider_returns_non_member(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    code = sandbox.code_for_openid("o-outsider-1")
    identity = await wecom_client.oauth.get_user_info(code)
    assert isinstance(identity, NonMember) and identity.openid


async def test_code_exchange_after_revocation_of_a_token_another_process_refreshed_recovers(
    sandbox: SandboxControl, clock: FrozenClock
) -> None:
    store = MemoryTokenStore()  # what both processes share (the database in production)
    base = sandbox.base_url
    async with demo_client(base, clock, token_store=store) as ours:
        async with demo_client(base, clock, token_store=store) as theirs:
            await ours.user.get("zhangwei")  # ours caches token 1
            await theirs.tokens.invalidate(ACCESS_TOKEN, await theirs.tokens.access_token())
            await theirs.user.get("lina")  # theirs stores token 2
        sandbox.invalidate_tokens()  # WeCom revokes both
        identity = await ours.oauth.get_user_info(sandbox.code_for("zhangwei"))
    assert identity == Member("zhangwei", None)
    assert sandbox.calls("gettoken") == 3
    assert sandbox.calls("auth/getuserinfo") == 3
