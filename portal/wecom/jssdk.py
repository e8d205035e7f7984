"""JS-SDK signatures for `wx.config` (corp ticket) and `wx.agentConfig` (app ticket).

Signed on the server only; the browser gets timestamp, nonceStr and signature, never a
ticket. Both tickets are cached and shared through the token manager (wecom-api.md §6).
"""

from __future__ import annotations

import hashlib
import secrets
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portal.wecom.client import WeComClient

_NONCE_ALPHABET = string.ascii_letters + string.digits


def jsapi_signature(ticket: str, noncestr: str, timestamp: int | str, url: str) -> str:
    """sha1 of `jsapi_ticket=…&noncestr=…&timestamp=…&url=…`, the URL cut at `#`.

    https://developer.work.weixin.qq.com/document/path/90506
    """
    page = url.split("#", 1)[0]
    plain = f"jsapi_ticket={ticket}&noncestr={noncestr}&timestamp={timestamp}&url={page}"
    return hashlib.sha1(plain.encode()).hexdigest()


def make_nonce(length: int = 16) -> str:
    return "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(length))


@dataclass(frozen=True)
class JsSignature:
    """What a page passes to `wx.config` / `wx.agentConfig` (or returns to `ww.register`)."""

    corp_id: str
    agent_id: int
    timestamp: int
    nonce_str: str
    signature: str

    def as_config(self) -> dict[str, str | int]:
        """Keys as the JS API spells them (`nonceStr`, not `noncestr`)."""
        return {
            "timestamp": self.timestamp,
            "nonceStr": self.nonce_str,
            "signature": self.signature,
        }


class JsSdk:
    """`client.jssdk`: signatures for the page at `url`."""

    def __init__(self, client: WeComClient) -> None:
        self._client = client

    async def config_signature(
        self, url: str, *, nonce: str | None = None, timestamp: int | None = None
    ) -> JsSignature:
        """Signature for `wx.config` with the corp jsapi ticket.

        https://developer.work.weixin.qq.com/document/path/90506
        """
        ticket = await self._client.tokens.jsapi_ticket()
        return self._signature(ticket, url, nonce, timestamp)

    async def agent_config_signature(
        self, url: str, *, nonce: str | None = None, timestamp: int | None = None
    ) -> JsSignature:
        """Signature for `wx.agentConfig` with the app (agent_config) ticket.

        https://developer.work.weixin.qq.com/document/path/94313
        """
        ticket = await self._client.tokens.agent_config_ticket()
        return self._signature(ticket, url, nonce, timestamp)

    def _signature(
        self, ticket: str, url: str, nonce: str | None, timestamp: int | None
    ) -> JsSignature:
        nonce = nonce or make_nonce()
        ts = int(self._client.clock()) if timestamp is None else timestamp
        return JsSignature(
            corp_id=self._client.corp_id,
            agent_id=self._client.agent_id,
            timestamp=ts,
            nonce_str=nonce,
            signature=jsapi_signature(ticket, nonce, ts, url),
        )
