"""Card-button clicks: build a real template_card_event, encrypt it, POST it to the portal."""

from __future__ import annotations

import json
import secrets
from xml.sax.saxutils import escape

import httpx

from ..crypto import CallbackCryptoError, parse_xml
from .context import Sandbox
from .mailbox import INTERACTIVE_CARDS, Delivery
from .state import CallbackRecord

RESPONSE_PREVIEW = 2000


class ClickRejected(ValueError):
    """The button cannot be pressed (wrong member, unknown key, card already updated…)."""


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def event_xml(sandbox: Sandbox, delivery: Delivery, key: str, response_code: str, now: int) -> str:
    """The plaintext template_card_event WeCom would push for this click."""
    fields = [
        ("ToUserName", _cdata(sandbox.config.corp_id)),
        ("FromUserName", _cdata(delivery.touser)),
        ("CreateTime", str(now)),
        ("MsgType", _cdata("event")),
        ("Event", _cdata("template_card_event")),
        ("EventKey", _cdata(key)),
        ("TaskId", _cdata(str(delivery.body.get("task_id", "")))),
        ("CardType", _cdata(delivery.card_type or "")),
        ("ResponseCode", _cdata(response_code)),
        ("AgentID", str(delivery.agentid)),
    ]
    return "<xml>" + "".join(f"<{tag}>{value}</{tag}>" for tag, value in fields) + "</xml>"


def envelope(sandbox: Sandbox, plaintext: str, timestamp: str, nonce: str) -> tuple[str, str]:
    """Encrypt an event into WeCom's POST body; return (xml body, msg_signature)."""
    encrypt = sandbox.crypto.encrypt(plaintext)
    signature = sandbox.crypto.signature(timestamp, nonce, encrypt)
    agent = escape(str(sandbox.config.agent_id))
    body = (
        f"<xml><ToUserName>{_cdata(sandbox.config.corp_id)}</ToUserName>"
        f"<AgentID>{_cdata(agent)}</AgentID><Encrypt>{_cdata(encrypt)}</Encrypt></xml>"
    )
    return body, signature


def check_click(delivery: Delivery, userid: str, key: str) -> None:
    """Raise ClickRejected unless this member may press this button now."""
    if delivery.touser != userid:
        raise ClickRejected("this card belongs to another member")
    if delivery.card_type not in INTERACTIVE_CARDS or delivery.recalled:
        raise ClickRejected("this message has no active buttons")
    if delivery.replace_name:
        raise ClickRejected(f"buttons were replaced by {delivery.replace_name!r}")
    buttons = delivery.body.get("button_list", [])
    keys = {b.get("key") for b in buttons if isinstance(b, dict) and b.get("type", 0) != 1}
    if key not in keys:
        raise ClickRejected(f"no button with key {key!r}")


def _apply_passive_reply(sandbox: Sandbox, delivery: Delivery, record: CallbackRecord) -> None:
    # The portal may answer synchronously with an encrypted update_button reply.
    try:
        outer = parse_xml(record.response.encode())
        inner = sandbox.crypto.decrypt_message(
            record.response.encode(),
            outer.get("MsgSignature", ""),
            outer.get("TimeStamp", ""),
            outer.get("Nonce", ""),
        )
        reply = parse_xml(inner)
    except CallbackCryptoError as exc:
        record.error = f"passive reply rejected: {type(exc).__name__}: {exc}"
        return
    record.reply = reply
    if reply.get("MsgType") == "update_button":
        button = json.loads(reply.get("Button") or "{}")
        name = button.get("ReplaceName") if isinstance(button, dict) else None
        if isinstance(name, str) and name:
            delivery.replace_name = name
            delivery.updates += 1


async def _post(sandbox: Sandbox, url: str, body: str, params: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(
        transport=sandbox.callback_transport, timeout=sandbox.config.callback_timeout_s
    ) as client:
        return await client.post(
            url, params=params, content=body.encode(), headers={"Content-Type": "text/xml"}
        )


async def click(sandbox: Sandbox, delivery: Delivery, userid: str, key: str) -> CallbackRecord:
    """Press a card button: record it, fire the encrypted callback, apply any passive reply."""
    check_click(delivery, userid, key)
    state = sandbox.state
    now = int(state.now())
    response_code = state.mailbox.grant_response_code(delivery.msgid, [userid], now)
    delivery.clicks.append(key)
    url = state.callback_url
    record = CallbackRecord(len(state.callbacks) + 1, delivery.id, userid, key, url, now)
    state.callbacks.append(record)
    if url is None:
        record.error = "callback_url is not configured"
        return record
    nonce = str(secrets.randbelow(10**10))
    plaintext = event_xml(sandbox, delivery, key, response_code, now)
    body, signature = envelope(sandbox, plaintext, str(now), nonce)
    params = {"msg_signature": signature, "timestamp": str(now), "nonce": nonce}
    state.counters["callbacks_sent"] += 1
    try:
        response = await _post(sandbox, url, body, params)
    except httpx.HTTPError as exc:
        record.error = f"{type(exc).__name__}: {exc}"
        return record
    record.status = response.status_code
    record.response = response.text[:RESPONSE_PREVIEW]
    if response.status_code != 200:
        record.error = f"portal answered HTTP {response.status_code}"
    elif record.response.strip():
        _apply_passive_reply(sandbox, delivery, record)
    return record
