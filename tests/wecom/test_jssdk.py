"""JS-SDK signatures: the documented vector, fragments, and tickets fetched once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from portal.wecom import WeComClient, jsapi_signature
from tests.wecom.support import Control, control_for, wecom_client

TICKET = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"


@pytest.fixture
async def control(sandbox_url: str) -> AsyncIterator[Control]:
    async with control_for(sandbox_url) as control:
        yield control


@pytest.fixture
async def client(sandbox_url: str, control: Control) -> AsyncIterator[WeComClient]:
    async with wecom_client(sandbox_url) as client:
        yield client


@pytest.mark.parametrize(
    ("url", "signature"),
    [
        ("http://mp.weixin.qq.com?params=value", "0f9de62fce790f9a083d5c99e95740ceb90c27ed"),
        ("http://mp.weixin.qq.com?params=value#frag", "0f9de62fce790f9a083d5c99e95740ceb90c27ed"),
        ("http://mp.weixin.qq.com", "f4d90daf4b3bca3078ab155816175ba34c443a7b"),
    ],
)
def test_jsapi_signature_matches_documented_vector(url: str, signature: str) -> None:
    assert jsapi_signature(TICKET, "Wm3WZYTPz0wzccnW", 1414587457, url) == signature


async def test_config_signature_signs_with_corp_ticket_fetched_once(
    client: WeComClient, control: Control
) -> None:
    url = "https://portal.example.com/mine?x=1#top"
    first = await client.jssdk.config_signature(url, nonce="n1", timestamp=1700000000)
    await client.jssdk.config_signature(url)
    ticket = await client.tokens.jsapi_ticket()
    assert first.signature == jsapi_signature(ticket, "n1", 1700000000, url)
    assert first.as_config() == {
        "timestamp": 1700000000,
        "nonceStr": "n1",
        "signature": first.signature,
    }
    assert await control.calls("get_jsapi_ticket") == 1
    assert await control.calls("gettoken") == 1


async def test_agent_config_signature_uses_app_ticket(
    client: WeComClient, control: Control
) -> None:
    url = "https://portal.example.com/mine"
    corp = await client.jssdk.config_signature(url, nonce="n", timestamp=1)
    agent = await client.jssdk.agent_config_signature(url, nonce="n", timestamp=1)
    assert corp.signature != agent.signature
    assert agent.signature == jsapi_signature(
        await client.tokens.agent_config_ticket(), "n", 1, url
    )
    assert agent.nonce_str.isalnum() and agent.agent_id == client.agent_id
    assert await control.calls("ticket/get") == 1
