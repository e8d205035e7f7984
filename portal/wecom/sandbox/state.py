"""In-memory sandbox state: clock, tokens, tickets, login codes, schedules, stats.

Everything runs on one event loop and no method awaits, so each call is atomic.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .config import SandboxConfig
from .errors import ApiError
from .faults import FaultBook
from .mailbox import Mailbox

TOKEN_EXPIRED = 42001
TOKEN_INVALID = 40014


@dataclass
class IssuedToken:
    """An access token or ticket; `revoked` is the errcode it now answers with, if any."""

    expires_at: float
    revoked: int | None = None


@dataclass
class CodeGrant:
    """A login code: a member (userid) or an outsider (openid)."""

    userid: str | None
    openid: str | None
    scope: str
    expires_at: float
    used: bool = False


@dataclass
class CallbackRecord:
    """What happened when an inbox button fired a callback at the portal."""

    id: int
    delivery_id: int
    userid: str
    key: str
    url: str | None
    time: float
    status: int | None = None
    response: str = ""
    error: str | None = None
    reply: dict[str, str] | None = None

    def as_json(self) -> dict[str, Any]:
        """The record as the control API shows it."""
        return dict(vars(self))


class SandboxState:
    """All mutable sandbox state; `reset()` returns to a fresh corp."""

    def __init__(self, config: SandboxConfig, clock: Callable[[], float]) -> None:
        self.config = config
        self._clock = clock
        self.reset()

    def reset(self) -> None:
        """Forget everything except the configuration."""
        self.offset = 0.0
        self.tokens: dict[str, IssuedToken] = {}
        self.tickets: dict[str, IssuedToken] = {}
        self.codes: dict[str, CodeGrant] = {}
        self.user_tickets: dict[str, tuple[str, float]] = {}
        self.schedules: dict[str, dict[str, Any]] = {}
        self.calendars: dict[str, dict[str, Any]] = {}
        self.faults = FaultBook()
        self.mailbox = Mailbox(self.config)
        self.calls: Counter[str] = Counter()
        self.counters: Counter[str] = Counter()
        self.callbacks: list[CallbackRecord] = []
        self.callback_url_override: str | None = None

    def now(self) -> float:
        """The sandbox clock: the injected clock plus any `advance`."""
        return self._clock() + self.offset

    def advance(self, seconds: float) -> float:
        """Move the sandbox clock forward and return the new time."""
        self.offset += seconds
        return self.now()

    @property
    def callback_url(self) -> str | None:
        """Where card-button callbacks go (control override, else the config)."""
        return self.callback_url_override or self.config.callback_url

    def issue_token(self) -> str:
        """Issue a new access token; earlier ones stay valid until they expire."""
        token = secrets.token_urlsafe(48)
        self.tokens[token] = IssuedToken(self.now() + self.config.token_lifetime_s)
        return token

    def token_error(self, token: str) -> int | None:
        """The errcode a call with this token gets, or None when it is valid."""
        issued = self.tokens.get(token)
        if issued is None:
            return TOKEN_INVALID
        if issued.revoked is not None:
            return issued.revoked
        return TOKEN_EXPIRED if self.now() >= issued.expires_at else None

    def revoke_tokens(self, errcode: int) -> int:
        """Make every issued token answer `errcode`; return how many were live."""
        for issued in self.tokens.values():
            issued.revoked = errcode
        return len(self.tokens)

    def issue_ticket(self, kind: str) -> str:
        """Issue a JS-SDK ticket (corp or agent_config)."""
        ticket = f"{kind}-{secrets.token_urlsafe(32)}"
        self.tickets[ticket] = IssuedToken(self.now() + self.config.token_lifetime_s)
        return ticket

    def issue_code(
        self, *, userid: str | None = None, openid: str | None = None, scope: str = "snsapi_base"
    ) -> str:
        """Issue a single-use login code that expires after `code_lifetime_s`."""
        code = secrets.token_urlsafe(32)
        expires = self.now() + self.config.code_lifetime_s
        self.codes[code] = CodeGrant(userid, openid, scope, expires)
        return code

    def redeem_code(self, code: str) -> CodeGrant:
        """Consume a code; 40029 when unknown, used or expired."""
        grant = self.codes.get(code)
        if grant is None or grant.used or self.now() >= grant.expires_at:
            raise ApiError(40029)
        grant.used = True
        return grant

    def issue_user_ticket(self, userid: str) -> str:
        """Issue a user_ticket for auth/getuserdetail."""
        ticket = secrets.token_urlsafe(48)
        self.user_tickets[ticket] = (userid, self.now() + self.config.user_ticket_lifetime_s)
        return ticket

    def ticket_user(self, ticket: str) -> str:
        """The member behind a user_ticket; 84015 unknown, 84014 expired."""
        found = self.user_tickets.get(ticket)
        if found is None:
            raise ApiError(84015)
        if self.now() >= found[1]:
            raise ApiError(84014)
        return found[0]

    def stats(self) -> dict[str, Any]:
        """Call counts per endpoint plus the rule counters."""
        return {
            "calls": dict(self.calls),
            "dropped_rate_limited": self.counters["dropped_rate_limited"],
            "duplicates_suppressed": self.counters["duplicates_suppressed"],
            "faults_applied": self.counters["faults_applied"],
            "messages_delivered": self.counters["messages_delivered"],
            "callbacks_sent": self.counters["callbacks_sent"],
        }
