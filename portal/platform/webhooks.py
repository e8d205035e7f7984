"""Webhook signatures and events (platform-api.md, "Webhooks").

The platform POSTs `{"event", "ts", "tid", "payload": {"uid", "rate"?}}` with
`Smb-Signature` = upper-case hex HMAC-SHA1 of the raw body, keyed with the client secret.
A receiver calls `verify(body, request.headers.get(SIGNATURE_HEADER), secret)` on the
exact bytes received, then `parse_event(body)`; it answers 200 fast and is idempotent on
(event, uid), since every retry carries a fresh `ts` but the same `tid`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from types import MappingProxyType
from typing import Any, TypeGuard

from portal.platform.models import RATINGS, WebhookEvent

SIGNATURE_HEADER = "Smb-Signature"
MAX_BODY_BYTES = 64 * 1024
MAX_UID_CHARS = 64


class InvalidWebhook(ValueError):
    """A webhook body that is not a well-formed event; `reason` says what is wrong."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sign(body: bytes, secret: str) -> str:
    """The `Smb-Signature` for `body`: HMAC-SHA1 keyed with `secret`, upper-case hex."""
    return hmac.new(secret.encode(), body, hashlib.sha1).hexdigest().upper()


def verify(body: bytes, signature: str | None, secret: str) -> bool:
    """True when `signature` signs `body` (compared in constant time; hex case ignored)."""
    if not signature:
        return False
    expected = sign(body, secret).encode()
    return hmac.compare_digest(expected, signature.upper().encode("utf-8", "replace"))


def _integer(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _object(body: bytes, max_bytes: int) -> dict[str, Any]:
    if len(body) > max_bytes:
        raise InvalidWebhook(f"body is over {max_bytes} bytes")
    try:
        decoded = json.loads(body)
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, or nested too deep
        raise InvalidWebhook("body is not JSON") from exc
    if not isinstance(decoded, dict):
        raise InvalidWebhook("body is not a JSON object")
    return decoded


def _payload(decoded: dict[str, Any]) -> tuple[dict[str, Any], str, int | None]:
    payload = decoded.get("payload")
    if not isinstance(payload, dict):
        raise InvalidWebhook("payload must be an object")
    uid = payload.get("uid")
    if not isinstance(uid, str) or not 1 <= len(uid) <= MAX_UID_CHARS:
        raise InvalidWebhook(f"payload.uid must be a string of 1 to {MAX_UID_CHARS} characters")
    rate = payload.get("rate")
    if rate is not None and not (_integer(rate) and rate in RATINGS):
        raise InvalidWebhook("payload.rate must be an integer 1-5 or null")
    return payload, uid, rate


def parse_event(body: bytes, *, max_bytes: int = MAX_BODY_BYTES) -> WebhookEvent:
    """The event in a webhook body; raise `InvalidWebhook` when it is malformed.

    Unknown event names are returned, not refused: the caller decides what to ignore.
    """
    decoded = _object(body, max_bytes)
    event, ts, tid = decoded.get("event"), decoded.get("ts"), decoded.get("tid")
    if not isinstance(event, str) or not event:
        raise InvalidWebhook("event must be a non-empty string")
    if not _integer(ts):
        raise InvalidWebhook("ts must be an integer")
    if not (isinstance(tid, str) and tid) and not _integer(tid):
        raise InvalidWebhook("tid must be a non-empty string or an integer")
    payload, uid, rate = _payload(decoded)
    return WebhookEvent(event, ts, str(tid), uid, rate, MappingProxyType(payload))


def webhook_body(event: str, uid: str, *, ts: int, tid: str, rate: int | None = None) -> bytes:
    """The body the platform (and the sandbox) sends: compact UTF-8 JSON."""
    payload: dict[str, Any] = {"uid": uid}
    if rate is not None:
        payload["rate"] = rate
    envelope = {"event": event, "ts": ts, "tid": tid, "payload": payload}
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
