"""JS-SDK signatures: the documented vector, fragments, and tickets fetched once."""

from __future__ import annotations

import pytest

from portal.clock import FrozenClock
from portal.wecom import WeComClient, jsapi_signature
from tests.support.sandbox import SandboxControl

TICKET = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"


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
    wecom_client: WeComClient, sandbox: SandboxControl, clock: FrozenClock
) -> None:
    url = "https://portal.example.com/mine?x=1#top"
    stamp = int(clock.timestamp()) - 30  # an explicit timestamp wins over the clock
    first = await wecom_client.jssdk.config_signature(url, nonce="n1", timestamp=stamp)
    second = await wecom_client.jssdk.config_signature(url)
    ticket = await wecom_client.tokens.jsapi_ticket()
    assert first.signature == jsapi_signature(ticket, "n1", stamp, url)
    assert first.as_config() == {
        "timestamp": stamp,
        "nonceStr": "n1",
        "signature": first.signature,
    }
    assert second.timestamp == int(clock.timestamp())  # otherwise the client's clock
    assert second.signature == jsapi_signature(ticket, second.nonce_str, second.timestamp, url)
    assert sandbox.calls("get_jsapi_ticket") == 1
    assert sandbox.calls("gettoken") == 1


async def test_agent_config_signature_uses_app_ticket(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    url = "https://portal.example.com/mine"
    corp = await wecom_client.jssdk.config_signature(url, nonce="n", timestamp=1)
    agent = await wecom_client.jssdk.agent_config_signature(url, nonce="n", timestamp=1)
    assert corp.signature != agent.signature
    assert agent.signature == jsapi_signature(
        await wecom_client.tokens.agent_config_ticket(), "n", 1, url
    )
    assert agent.nonce_str.isalnum() and agent.agent_id == wecom_client.agent_id
    assert sandbox.calls("ticket/get") == 1
