"""Every errcode answered by WeCom (the sandbox) surfaces as the right exception."""

from __future__ import annotations

import httpx
import pytest

from portal.clock import FrozenClock
from portal.wecom import (
    AccessTokenInvalid,
    AllRecipientsInvalid,
    ConcurrencyLimited,
    InvalidCode,
    InvalidCredentials,
    IpNotAllowed,
    PermissionDenied,
    RateLimited,
    SystemBusy,
    Text,
    UnknownUser,
    WeComClient,
    WeComError,
    WeComUnavailable,
)
from tests.support.sandbox import SandboxControl
from tests.wecom.support import demo_client

SEND_ERRCODES = [
    (40014, AccessTokenInvalid),
    (42001, AccessTokenInvalid),
    (40001, AccessTokenInvalid),
    (45009, RateLimited),
    (45033, ConcurrencyLimited),
    (-1, SystemBusy),
    (60020, IpNotAllowed),
    (48002, PermissionDenied),
    (50003, PermissionDenied),
    (301002, PermissionDenied),
    (60011, PermissionDenied),
    (81013, AllRecipientsInvalid),
    (40058, WeComError),
]


@pytest.mark.parametrize(("errcode", "cls"), SEND_ERRCODES)
async def test_send_errcode_raises_mapped_exception(
    wecom_client: WeComClient, sandbox: SandboxControl, errcode: int, cls: type[WeComError]
) -> None:
    sandbox.fault(path="message/send", errcode=errcode, times=5)
    with pytest.raises(cls) as caught:
        await wecom_client.message.send(Text("hi"), touser="zhangwei")
    assert type(caught.value) is cls
    assert caught.value.errcode == errcode
    assert caught.value.path == "message/send"
    assert "more info at" in caught.value.errmsg  # kept whole, never parsed


@pytest.mark.parametrize(
    ("errcode", "cls"),
    [(40001, InvalidCredentials), (40013, InvalidCredentials), (40091, InvalidCredentials)],
)
async def test_gettoken_errcode_raises_invalid_credentials(
    wecom_client: WeComClient, sandbox: SandboxControl, errcode: int, cls: type[WeComError]
) -> None:
    sandbox.fault(path="gettoken", errcode=errcode, times=5)
    with pytest.raises(cls):
        await wecom_client.user.get("zhangwei")
    assert sandbox.calls("gettoken") == 1  # permanent: not retried


async def test_gettoken_wrong_secret_raises_invalid_credentials(
    sandbox: SandboxControl, clock: FrozenClock
) -> None:
    async with demo_client(sandbox.base_url, clock, corp_secret="wrong") as client:
        with pytest.raises(InvalidCredentials) as caught:
            await client.user.get("zhangwei")
    assert caught.value.errcode == 40001 and caught.value.path == "gettoken"


async def test_gettoken_wrong_corp_raises_invalid_credentials(
    sandbox: SandboxControl, clock: FrozenClock
) -> None:
    async with demo_client(sandbox.base_url, clock, corp_id="wwnotmine") as client:
        with pytest.raises(InvalidCredentials) as caught:
            await client.user.get("zhangwei")
    assert caught.value.errcode == 40013


async def test_unknown_user_raises_unknown_user(wecom_client: WeComClient) -> None:
    with pytest.raises(UnknownUser):
        await wecom_client.user.get("nobody-here")


async def test_reused_code_raises_invalid_code(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    code = sandbox.code_for("zhangwei")
    await wecom_client.oauth.get_user_info(code)
    with pytest.raises(InvalidCode):
        await wecom_client.oauth.get_user_info(code)


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_non_200_raises_unavailable_with_status(
    wecom_client: WeComClient, sandbox: SandboxControl, status: int
) -> None:
    sandbox.fault(path="message/send", http_status=status, times=1)
    with pytest.raises(WeComUnavailable) as caught:
        await wecom_client.message.send(Text("hi"), touser="zhangwei")
    assert caught.value.status_code == status and caught.value.errcode is None


async def test_connection_refused_raises_unavailable_not_sent(clock: FrozenClock) -> None:
    async with demo_client("http://127.0.0.1:9", clock) as client:
        with pytest.raises(WeComUnavailable) as caught:
            await client.message.send(Text("hi"), touser="zhangwei")
    # The token fetch failed first; nothing reached WeCom.
    assert caught.value.path == "gettoken" and caught.value.request_sent is False


async def test_read_timeout_raises_unavailable_maybe_sent(
    sandbox: SandboxControl, clock: FrozenClock
) -> None:
    sandbox.fault(path="message/send", delay_s=2, times=1)
    timeout = httpx.Timeout(0.3, connect=2.0)
    async with demo_client(sandbox.base_url, clock, timeout=timeout) as client:
        with pytest.raises(WeComUnavailable) as caught:
            await client.message.send(Text("hi"), touser="zhangwei")
    assert caught.value.request_sent is True
