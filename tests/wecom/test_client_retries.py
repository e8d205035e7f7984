"""Retry bounds, counted by the sandbox: token errors once, GETs ≤3 tries, sends never."""

from __future__ import annotations

import logging

import httpx
import pytest

from portal.clock import FrozenClock
from portal.wecom import (
    AccessTokenInvalid,
    ConcurrencyLimited,
    RateLimited,
    SystemBusy,
    Text,
    WeComClient,
    WeComError,
    WeComUnavailable,
)
from portal.wecom.client import install_log_redaction
from portal.wecom.sandbox import DEMO_SECRET
from tests.support.sandbox import SandboxControl
from tests.wecom.support import demo_client

# --- token errors: drop the failing token, refresh once, retry once -----------------------------


@pytest.mark.parametrize("errcode", [40014, 42001, 40001])
async def test_get_token_error_refreshes_once_and_retries_once(
    wecom_client: WeComClient, sandbox: SandboxControl, errcode: int
) -> None:
    await wecom_client.user.get("zhangwei")  # token 1
    sandbox.fault(path="user/get", errcode=errcode, times=1)
    user = await wecom_client.user.get("lina")
    assert user.userid == "lina"
    assert sandbox.calls("gettoken") == 2
    assert sandbox.calls("user/get") == 3


async def test_expired_tokens_refresh_once_then_succeed(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    await wecom_client.user.get("zhangwei")
    sandbox.expire_tokens()
    await wecom_client.user.get("zhangwei")
    await wecom_client.user.get("lina")
    assert sandbox.calls("gettoken") == 2


async def test_second_token_error_is_raised(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    sandbox.fault(path="user/get", errcode=42001, times=2)
    with pytest.raises(AccessTokenInvalid):
        await wecom_client.user.get("zhangwei")
    assert sandbox.calls("gettoken") == 2
    assert sandbox.calls("user/get") == 2


async def test_send_token_error_refreshes_and_resends_once(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    sandbox.fault(path="message/send", errcode=42001, times=1)
    result = await wecom_client.message.send(Text("after refresh"), touser="zhangwei")
    assert result.msgid
    assert sandbox.calls("message/send") == 2
    assert len(sandbox.messages("zhangwei")) == 1


async def test_send_second_token_error_is_raised(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    sandbox.fault(path="message/send", errcode=40014, times=3)
    with pytest.raises(AccessTokenInvalid):
        await wecom_client.message.send(Text("x"), touser="zhangwei")
    assert sandbox.calls("message/send") == 2
    assert sandbox.calls("gettoken") == 2


# --- transient failures: idempotent GETs only, at most 3 tries ----------------------------------


@pytest.mark.parametrize(
    ("fault", "cls"),
    [
        ({"errcode": -1}, SystemBusy),
        ({"errcode": 45033}, ConcurrencyLimited),
        ({"http_status": 503}, WeComUnavailable),
        ({"http_status": 500}, WeComUnavailable),
    ],
)
async def test_get_transient_failure_tries_three_times_then_raises(
    wecom_client: WeComClient, sandbox: SandboxControl, fault: dict[str, int], cls: type[WeComError]
) -> None:
    await wecom_client.user.get("zhangwei")
    sandbox.fault(path="user/get", times=10, **fault)
    with pytest.raises(cls):
        await wecom_client.user.get("zhangwei")
    assert sandbox.calls("user/get") == 1 + 3


async def test_get_transient_failure_twice_then_succeeds(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    sandbox.fault(path="department/list", errcode=-1, times=2)
    departments = await wecom_client.user.list_departments()
    assert departments
    assert sandbox.calls("department/list") == 3


async def test_get_timeout_tries_three_times(sandbox: SandboxControl, clock: FrozenClock) -> None:
    timeout = httpx.Timeout(0.2, connect=2.0)
    async with demo_client(sandbox.base_url, clock, timeout=timeout) as client:
        await client.user.get("zhangwei")
        sandbox.fault(path="user/get", delay_s=1, times=10)
        with pytest.raises(WeComUnavailable):
            await client.user.get("zhangwei")
    assert sandbox.calls("user/get") == 1 + 3


async def test_gettoken_503_retried_then_succeeds(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    sandbox.fault(path="gettoken", http_status=503, times=2)
    await wecom_client.user.get("zhangwei")
    assert sandbox.calls("gettoken") == 3


@pytest.mark.parametrize(
    ("fault", "cls"),
    [
        ({"errcode": -1}, SystemBusy),
        ({"errcode": 45033}, ConcurrencyLimited),
        ({"errcode": 45009}, RateLimited),
        ({"http_status": 503}, WeComUnavailable),
    ],
)
async def test_send_transient_failure_never_retried_inline(
    wecom_client: WeComClient, sandbox: SandboxControl, fault: dict[str, int], cls: type[WeComError]
) -> None:
    sandbox.fault(path="message/send", times=10, **fault)
    with pytest.raises(cls) as caught:
        await wecom_client.message.send(Text("x"), touser="zhangwei")
    assert caught.value.transient
    assert sandbox.calls("message/send") == 1


async def test_send_timeout_never_retried_inline(
    sandbox: SandboxControl, clock: FrozenClock
) -> None:
    timeout = httpx.Timeout(0.2, connect=2.0)
    async with demo_client(sandbox.base_url, clock, timeout=timeout) as client:
        sandbox.fault(path="message/send", delay_s=1, times=10)
        with pytest.raises(WeComUnavailable):
            await client.message.send(Text("x"), touser="zhangwei")
    assert sandbox.calls("message/send") == 1


async def test_get_rate_limited_not_retried(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    await wecom_client.user.get("zhangwei")
    sandbox.fault(path="user/get", errcode=45009, times=10)
    with pytest.raises(RateLimited) as caught:
        await wecom_client.user.get("zhangwei")
    assert caught.value.retry_after == 60.0  # no hint from WeCom: the one-minute minimum
    assert sandbox.calls("user/get") == 2


async def test_get_backoff_grows_exponentially_with_jitter(
    sandbox: SandboxControl, clock: FrozenClock
) -> None:
    delays: list[float] = []

    async def record(seconds: float) -> None:
        delays.append(seconds)

    async with demo_client(
        sandbox.base_url, clock, backoff=0.1, sleep=record, rng=lambda: 0.5
    ) as client:
        sandbox.fault(path="tag/list", errcode=-1, times=10)
        with pytest.raises(SystemBusy):
            await client.user.list_tags()
    assert delays == [pytest.approx(0.1), pytest.approx(0.2)]


# --- secrets stay out of logs ------------------------------------------------------------------


async def test_logs_never_contain_token_secret_or_code(
    wecom_client: WeComClient, sandbox: SandboxControl, caplog: pytest.LogCaptureFixture
) -> None:
    install_log_redaction()  # what a process using the client does at start-up
    caplog.set_level(logging.DEBUG)
    code = sandbox.code_for("zhangwei")
    sandbox.fault(path="user/get", errcode=-1, times=1)
    await wecom_client.user.get("zhangwei")
    await wecom_client.oauth.get_user_info(code)
    token = await wecom_client.tokens.access_token()
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "user/get" in text  # something was logged
    assert "access_token=***" in text  # httpx's own request lines, redacted
    for secret in (token, code, DEMO_SECRET):
        assert secret not in text
