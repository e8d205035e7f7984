"""Signed share links: `sign(claims, purpose)` / `verify(token, purpose)` on itsdangerous.

Each purpose is its own namespace (`salt=purpose`), so a token signed for one use never
verifies for another. Claims stay short and carry ids only, never names, phone numbers or
e-mail addresses: a token ends up in URLs, browser histories and chat messages.

The signature proves a token was issued here; whether it still works (expiry, revocation)
is the database row's business. `MAX_AGE` is only a second fence against very old tokens.
Its timestamp is the caller's `now` (the portal's clock), not the machine's.

Raises:
    LinkInvalid: `reason` is "bad-signature" (tampered, forged, other purpose or key),
        "malformed" (not a token at all, or wrong claims) or "expired" (older than max_age).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from itsdangerous import (
    BadData,
    BadSignature,
    SignatureExpired,
    TimestampSigner,
    URLSafeTimedSerializer,
)

CANDIDATE_LINK = "candidate-link"
# Interviews are booked weeks, rarely months, ahead; the row's expiry is the real limit.
MAX_AGE = timedelta(days=400)
_MAX_TOKEN_LENGTH = 512


class LinkInvalid(Exception):
    """The token does not prove anything; `reason` says why (never shown to the visitor)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _ClockSigner(TimestampSigner):
    """itsdangerous's signer, stamping and ageing tokens at a given moment."""

    def __init__(self, *args: Any, now: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._now = now

    def get_timestamp(self) -> int:
        return int(self._now.timestamp())


def _serializer(purpose: str, secret: str, now: datetime) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        secret, salt=purpose, signer=_ClockSigner, signer_kwargs={"now": now}
    )


def sign(claims: dict[str, Any], purpose: str, secret: str, *, now: datetime) -> str:
    """A URL-safe token carrying `claims`, valid only for `purpose`."""
    return str(_serializer(purpose, secret, now).dumps(claims))


def verify(
    token: str, purpose: str, secret: str, *, now: datetime, max_age: timedelta = MAX_AGE
) -> dict[str, Any]:
    """The claims inside `token`, or `LinkInvalid(reason)`."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        raise LinkInvalid("malformed")
    try:
        serializer = _serializer(purpose, secret, now)
        claims = serializer.loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as exc:
        raise LinkInvalid("expired") from exc
    except BadSignature as exc:
        raise LinkInvalid("bad-signature") from exc
    except BadData as exc:  # signed correctly but not decodable
        raise LinkInvalid("malformed") from exc
    if not isinstance(claims, dict):
        raise LinkInvalid("malformed")
    return claims


def sign_candidate_link(link_id: int, secret: str, *, now: datetime) -> str:
    """The token for share link row `link_id`: its id and nothing else."""
    return sign({"l": link_id}, CANDIDATE_LINK, secret, now=now)


def verify_candidate_link(token: str, secret: str, *, now: datetime) -> int:
    """The share link id inside a candidate token, or `LinkInvalid`."""
    link_id = verify(token, CANDIDATE_LINK, secret, now=now).get("l")
    if not isinstance(link_id, int) or isinstance(link_id, bool) or link_id < 1:
        raise LinkInvalid("malformed")
    return link_id


def candidate_url(base_url: str, link_id: int, secret: str, *, now: datetime) -> str:
    """The absolute URL a candidate opens: PORTAL_BASE_URL/c/{token}."""
    return f"{base_url.rstrip('/')}/c/{sign_candidate_link(link_id, secret, now=now)}"
