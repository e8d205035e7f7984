"""Webhook signatures (known vector, computed by hand) and event parsing."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from portal.platform import ENDED, InvalidWebhook, parse_event, sign, verify, webhook_body

SECRET = "smb-test-secret"
BODY = (
    b'{"event":"interview_ended","ts":1700000000,"tid":"t-1","payload":{"uid":"AB12CD34","rate":4}}'
)
# HMAC-SHA1(key=SECRET, msg=BODY), upper-case hex, computed independently of `sign`.
VECTOR = hmac.new(b"smb-test-secret", BODY, hashlib.sha1).hexdigest().upper()


def test_sign_known_vector_is_upper_case_hmac_sha1() -> None:
    assert sign(BODY, SECRET) == VECTOR
    assert len(VECTOR) == 40 and VECTOR == VECTOR.upper()


def test_verify_accepts_the_signature_in_either_case() -> None:
    assert verify(BODY, VECTOR, SECRET)
    assert verify(BODY, VECTOR.lower(), SECRET)


@pytest.mark.parametrize("signature", [None, "", "0" * 40, "签名"])
def test_verify_missing_or_wrong_signature_is_false(signature: str | None) -> None:
    assert not verify(BODY, signature, SECRET)


def test_verify_other_secret_or_changed_body_is_false() -> None:
    assert not verify(BODY, VECTOR, "another-secret")
    assert not verify(BODY + b" ", VECTOR, SECRET)


def test_parse_event_reads_envelope() -> None:
    event = parse_event(BODY)
    assert (event.event, event.ts, event.tid, event.uid, event.rate) == (
        ENDED,
        1_700_000_000,
        "t-1",
        "AB12CD34",
        4,
    )
    assert event.payload["uid"] == "AB12CD34"


def test_parse_event_numeric_tid_null_rate_and_unknown_event_are_accepted() -> None:
    body = json.dumps(
        {"event": "interview_paused", "ts": 1, "tid": 42, "payload": {"uid": "X", "rate": None}}
    )
    event = parse_event(body.encode())
    assert (event.event, event.tid, event.rate) == ("interview_paused", "42", None)


def _envelope(**change: object) -> bytes:
    envelope: dict[str, object] = {
        "event": "interview_ended",
        "ts": 1,
        "tid": "t",
        "payload": {"uid": "AB"},
    }
    envelope.update(change)
    return json.dumps(envelope).encode()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (_envelope(event=""), "event"),
        (_envelope(ts="1700000000"), "ts"),
        (_envelope(ts=True), "ts"),
        (_envelope(tid=None), "tid"),
        (_envelope(payload=[]), "payload"),
        (_envelope(payload={}), "payload.uid"),
        (_envelope(payload={"uid": "x" * 65}), "payload.uid"),
        (_envelope(payload={"uid": "AB", "rate": 9}), "payload.rate"),
        (_envelope(payload={"uid": "AB", "rate": "4"}), "payload.rate"),
        (b"[" * 70_000, "over"),
        (b"[" * 5_000, "not JSON"),
    ],
)
def test_parse_event_malformed_body_is_refused(body: bytes, reason: str) -> None:
    with pytest.raises(InvalidWebhook, match=reason) as caught:
        parse_event(body)
    assert reason in caught.value.reason


def test_parse_event_size_limit_is_configurable() -> None:
    with pytest.raises(InvalidWebhook, match="over 10 bytes"):
        parse_event(BODY, max_bytes=10)


def test_webhook_body_is_compact_utf8_and_parses_back() -> None:
    body = webhook_body(ENDED, "AB12CD34", ts=1_700_000_000, tid="t-1", rate=4)
    assert body == BODY
    opened = webhook_body("interview_opened", "房间", ts=5, tid="t-2")
    assert b'"payload":{"uid":"\xe6\x88\xbf\xe9\x97\xb4"}' in opened
    assert parse_event(opened).rate is None
