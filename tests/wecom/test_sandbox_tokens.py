"""Sandbox access-token rules over real HTTP: gettoken errcodes, expiry, invalidation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from portal.clock import FrozenClock
from portal.wecom.sandbox import DEMO_CORP_ID, DEMO_SECRET, SandboxConfig
from tests.support.sandbox import SandboxControl


async def _errcode(http: httpx.AsyncClient, path: str, **params: str) -> int:
    response = await http.get(f"/cgi-bin/{path}", params=params)
    assert response.status_code == 200
    return int(response.json()["errcode"])


async def _post(http: httpx.AsyncClient, path: str, body: Any = None) -> dict[str, Any]:
    response = await http.post(f"/_control/{path}", json=body or {})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def test_gettoken_valid_credentials_returns_token_and_lifetime(
    sandbox_http: httpx.AsyncClient,
) -> None:
    params = {"corpid": DEMO_CORP_ID, "corpsecret": DEMO_SECRET}
    answer = (await sandbox_http.get("/cgi-bin/gettoken", params=params)).json()
    assert answer["errcode"] == 0 and answer["errmsg"] == "ok"
    assert answer["expires_in"] == 7200 and len(answer["access_token"]) <= 512


@pytest.mark.parametrize(
    ("params", "errcode"),
    [
        ({"corpid": "wwnotours", "corpsecret": DEMO_SECRET}, 40013),
        ({"corpid": DEMO_CORP_ID, "corpsecret": "wrong"}, 40001),
        ({"corpsecret": DEMO_SECRET}, 41002),
        ({"corpid": DEMO_CORP_ID}, 41004),
    ],
    ids=["wrong-corpid", "wrong-secret", "no-corpid", "no-secret"],
)
async def test_gettoken_bad_credentials_answers_errcode(
    sandbox_http: httpx.AsyncClient, params: dict[str, str], errcode: int
) -> None:
    assert await _errcode(sandbox_http, "gettoken", **params) == errcode


@pytest.mark.parametrize(
    ("token", "errcode"), [("", 41001), ("made-up", 40014)], ids=["missing", "unknown"]
)
async def test_api_bad_token_answers_errcode(
    sandbox_http: httpx.AsyncClient, token: str, errcode: int
) -> None:
    params = {"access_token": token} if token else {}
    assert await _errcode(sandbox_http, "user/get", userid="zhangwei", **params) == errcode


async def test_api_token_past_lifetime_answers_42001(
    sandbox_http: httpx.AsyncClient, access_token: str, clock: FrozenClock
) -> None:
    """The sandbox runs on the test's clock: moving the clock ages its tokens."""
    assert await _errcode(sandbox_http, "tag/list", access_token=access_token) == 0
    clock.advance(7199)
    assert await _errcode(sandbox_http, "tag/list", access_token=access_token) == 0
    clock.advance(1)
    assert await _errcode(sandbox_http, "tag/list", access_token=access_token) == 42001


async def test_control_advance_ages_tokens_from_the_test_clock(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str, clock: FrozenClock
) -> None:
    assert await _post(sandbox_http, "advance", {"seconds": 7199}) == {
        "now": clock.timestamp() + 7199
    }
    assert await _errcode(sandbox_http, "tag/list", access_token=access_token) == 0
    assert sandbox.advance(1) == clock.timestamp() + 7200
    assert await _errcode(sandbox_http, "tag/list", access_token=access_token) == 42001


class TestShortTokenLifetime:
    """A module (or class) can override `wecom_config` for its own corp settings."""

    @pytest.fixture
    def wecom_config(self) -> SandboxConfig:
        return SandboxConfig(token_lifetime_s=60)

    async def test_gettoken_configured_lifetime_is_reported_and_enforced(
        self, sandbox_http: httpx.AsyncClient, access_token: str, clock: FrozenClock
    ) -> None:
        params = {"corpid": DEMO_CORP_ID, "corpsecret": DEMO_SECRET}
        answer = (await sandbox_http.get("/cgi-bin/gettoken", params=params)).json()
        assert answer["expires_in"] == 60
        clock.advance(59)
        assert await _errcode(sandbox_http, "tag/list", access_token=access_token) == 0
        clock.advance(1)
        assert await _errcode(sandbox_http, "tag/list", access_token=access_token) == 42001


@pytest.mark.parametrize(
    ("control", "answer", "errcode"),
    [("expire-tokens", {"expired": 1}, 42001), ("invalidate-tokens", {"invalidated": 1}, 40014)],
)
async def test_control_revoke_tokens_then_new_token_works(
    sandbox_http: httpx.AsyncClient,
    access_token: str,
    control: str,
    answer: dict[str, int],
    errcode: int,
) -> None:
    assert await _post(sandbox_http, control) == answer
    assert await _errcode(sandbox_http, "tag/list", access_token=access_token) == errcode
    params = {"corpid": DEMO_CORP_ID, "corpsecret": DEMO_SECRET}
    fresh = (await sandbox_http.get("/cgi-bin/gettoken", params=params)).json()["access_token"]
    assert await _errcode(sandbox_http, "tag/list", access_token=fresh) == 0


async def test_gettoken_twice_both_tokens_stay_valid(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    params = {"corpid": DEMO_CORP_ID, "corpsecret": DEMO_SECRET}
    second = (await sandbox_http.get("/cgi-bin/gettoken", params=params)).json()["access_token"]
    assert second != access_token
    for token in (access_token, second):
        assert await _errcode(sandbox_http, "tag/list", access_token=token) == 0


async def test_control_reset_forgets_tokens_and_clock(
    sandbox_http: httpx.AsyncClient, sandbox: SandboxControl, access_token: str, clock: FrozenClock
) -> None:
    assert sandbox.advance(100) == clock.timestamp() + 100
    assert await _post(sandbox_http, "reset") == {"ok": True}
    assert sandbox.advance(0) == clock.timestamp()  # back on the test's clock
    assert await _errcode(sandbox_http, "tag/list", access_token=access_token) == 40014
    assert (await sandbox_http.get("/_control/stats")).json()["calls"] == {"tag/list": 1}


@pytest.mark.parametrize(
    ("path", "params"),
    [("get_jsapi_ticket", {}), ("ticket/get", {"type": "agent_config"})],
)
async def test_tickets_valid_token_returns_ticket(
    sandbox_http: httpx.AsyncClient, access_token: str, path: str, params: dict[str, str]
) -> None:
    answer = (
        await sandbox_http.get(f"/cgi-bin/{path}", params={"access_token": access_token, **params})
    ).json()
    assert answer["errcode"] == 0 and answer["ticket"] and answer["expires_in"] == 7200


async def test_ticket_get_wrong_type_answers_40058(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    errcode = await _errcode(sandbox_http, "ticket/get", access_token=access_token, type="x")
    assert errcode == 40058


async def test_getcallbackip_returns_ip_list(
    sandbox_http: httpx.AsyncClient, access_token: str
) -> None:
    params = {"access_token": access_token}
    answer = (await sandbox_http.get("/cgi-bin/getcallbackip", params=params)).json()
    assert answer["errcode"] == 0 and "127.0.0.1" in answer["ip_list"]


@pytest.mark.parametrize("path", ["meeting/create", "user/list_id", "nonsense/path"])
async def test_unimplemented_endpoint_answers_48001_not_success(
    sandbox_http: httpx.AsyncClient, access_token: str, path: str
) -> None:
    response = await sandbox_http.post(
        f"/cgi-bin/{path}", params={"access_token": access_token}, json={}
    )
    assert response.status_code == 200 and response.json()["errcode"] == 48001
    assert "more info at" in response.json()["errmsg"]
