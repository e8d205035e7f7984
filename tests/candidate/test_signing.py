"""Signed candidate tokens: ids only, one namespace per purpose, explicit failure reasons."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from portal.share.signing import (
    CANDIDATE_LINK,
    LinkInvalid,
    candidate_url,
    sign,
    sign_candidate_link,
    verify,
    verify_candidate_link,
)
from tests.support.when import NOW

SECRET = "test-secret-key-0123456789-abcdefghijklmnop"


def test_candidate_token_round_trip_returns_link_id() -> None:
    assert verify_candidate_link(sign_candidate_link(42, SECRET, now=NOW), SECRET, now=NOW) == 42


def test_candidate_token_carries_only_the_link_id() -> None:
    token = sign_candidate_link(7, SECRET, now=NOW)
    payload = token.split(".")[0]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims == {"l": 7}


def test_candidate_url_is_base_url_slash_c_token() -> None:
    url = candidate_url("https://portal.example.com/", 3, SECRET, now=NOW)
    prefix = "https://portal.example.com/c/"
    assert (
        url.startswith(prefix) and verify_candidate_link(url[len(prefix) :], SECRET, now=NOW) == 3
    )


def _tampered(token: str) -> str:
    head, rest = token[0], token[1:]
    return ("B" if head != "B" else "C") + rest


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (_tampered(sign_candidate_link(1, SECRET, now=NOW)), "bad-signature"),
        (sign_candidate_link(1, SECRET, now=NOW)[:-2], "bad-signature"),
        (
            sign_candidate_link(1, "another-secret-0123456789-abcdefghijkl", now=NOW),
            "bad-signature",
        ),
        (sign({"l": 1}, "password-reset", SECRET, now=NOW), "bad-signature"),
        ("not-a-token", "bad-signature"),
        ("", "malformed"),
        ("x" * 600, "malformed"),
        (sign({"l": "1"}, CANDIDATE_LINK, SECRET, now=NOW), "malformed"),
        (sign({"l": True}, CANDIDATE_LINK, SECRET, now=NOW), "malformed"),
        (sign({"l": 0}, CANDIDATE_LINK, SECRET, now=NOW), "malformed"),
        (sign({"id": 1}, CANDIDATE_LINK, SECRET, now=NOW), "malformed"),
    ],
)
def test_verify_candidate_link_bad_token_names_reason(token: str, reason: str) -> None:
    with pytest.raises(LinkInvalid) as caught:
        verify_candidate_link(token, SECRET, now=NOW)
    assert caught.value.reason == reason


def test_verify_non_dict_claims_is_malformed() -> None:
    token = sign([1, 2], CANDIDATE_LINK, SECRET, now=NOW)  # type: ignore[arg-type]
    with pytest.raises(LinkInvalid) as caught:
        verify(token, CANDIDATE_LINK, SECRET, now=NOW)
    assert caught.value.reason == "malformed"


def test_verify_older_than_max_age_is_expired() -> None:
    token = sign_candidate_link(5, SECRET, now=NOW)
    a_day = timedelta(days=1)
    assert verify(token, CANDIDATE_LINK, SECRET, now=NOW + a_day, max_age=a_day) == {"l": 5}
    with pytest.raises(LinkInvalid) as caught:
        verify(token, CANDIDATE_LINK, SECRET, now=NOW + a_day + timedelta(seconds=1), max_age=a_day)
    assert caught.value.reason == "expired"
