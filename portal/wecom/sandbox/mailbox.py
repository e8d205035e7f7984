"""Delivered messages per member, card state, response codes, duplicate checks, rate caps."""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .config import SandboxConfig
from .errors import ApiError
from .ratelimit import MemberRateLimiter

INTERACTIVE_CARDS = frozenset({"button_interaction", "vote_interaction", "multiple_interaction"})


@dataclass
class Delivery:
    """One message as it sits in one member's inbox."""

    id: int
    msgid: str
    touser: str
    msgtype: str
    agentid: int
    time: float
    body: dict[str, Any]
    truncated: bool = False
    recalled: bool = False
    response_code: str | None = None
    replace_name: str | None = None
    updates: int = 0
    clicks: list[str] = field(default_factory=list)

    @property
    def card_type(self) -> str | None:
        """The template card type, for template_card messages."""
        return str(self.body.get("card_type")) if self.msgtype == "template_card" else None

    def as_json(self) -> dict[str, Any]:
        """The delivery as the control API shows it."""
        shown: dict[str, Any] = {
            "id": self.id,
            "msgid": self.msgid,
            "touser": self.touser,
            "msgtype": self.msgtype,
            "agentid": self.agentid,
            "time": self.time,
            "body": self.body,
            "truncated": self.truncated,
            "recalled": self.recalled,
        }
        if self.msgtype == "template_card":
            shown["card"] = {
                "card_type": self.card_type,
                "template_card": self.body,
                "response_code": self.response_code,
                "replace_name": self.replace_name,
                "updates": self.updates,
                "clicks": list(self.clicks),
            }
        return shown


@dataclass
class ResponseGrant:
    """A response_code: which deliveries update_template_card may change, once."""

    msgid: str
    userids: frozenset[str]
    expires_at: float
    used: bool = False


class Mailbox:
    """Everything message/send, recall and update_template_card touch."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.deliveries: list[Delivery] = []
        self.sent_at: dict[str, float] = {}
        self.task_ids: set[str] = set()
        self.response_codes: dict[str, ResponseGrant] = {}
        self._dedupe: dict[str, tuple[float, dict[str, Any]]] = {}
        self._limiter = MemberRateLimiter(
            config.member_messages_per_minute, config.member_messages_per_hour
        )

    def duplicate(self, key: str, now: float) -> dict[str, Any] | None:
        """The earlier answer for an identical request still inside its interval."""
        found = self._dedupe.get(key)
        return found[1] if found and now < found[0] else None

    def remember(self, key: str, until: float, answer: dict[str, Any]) -> None:
        """Remember an answer for duplicate checks until `until`."""
        self._dedupe[key] = (until, answer)

    def claim_task_id(self, task_id: str) -> None:
        """task_id is unique per app forever: a reuse fails."""
        if task_id in self.task_ids:
            raise ApiError(40058, f"task_id {task_id!r} already used")
        self.task_ids.add(task_id)

    def deliver(
        self, msgtype: str, body: dict[str, Any], userids: list[str], *, agentid: int, now: float
    ) -> tuple[str, list[Delivery], int]:
        """Deliver to each member within the rate caps; return msgid, deliveries, dropped."""
        msgid = secrets.token_urlsafe(24)
        self.sent_at[msgid] = now
        delivered: list[Delivery] = []
        for userid in userids:
            if not self._limiter.allow(userid, now):
                continue
            delivery = Delivery(
                id=len(self.deliveries) + 1,
                msgid=msgid,
                touser=userid,
                msgtype=msgtype,
                agentid=agentid,
                time=now,
                body=dict(body),
            )
            self.deliveries.append(delivery)
            delivered.append(delivery)
        return msgid, delivered, len(userids) - len(delivered)

    def grant_response_code(self, msgid: str, userids: list[str], now: float) -> str:
        """Issue a response_code covering these recipients of `msgid`."""
        code = secrets.token_urlsafe(32)
        until = now + self.config.response_code_lifetime_s
        self.response_codes[code] = ResponseGrant(msgid, frozenset(userids), until)
        return code

    def response_grant(self, code: str, now: float) -> ResponseGrant:
        """A usable response_code (the caller marks it used); 40058 otherwise."""
        grant = self.response_codes.get(code)
        if grant is None or grant.used or now >= grant.expires_at:
            raise ApiError(40058, "invalid response_code (unknown, used or expired)")
        return grant

    def recall(self, msgid: str, now: float) -> None:
        """Recall a message sent within the recall window."""
        sent = self.sent_at.get(msgid)
        if sent is None:
            raise ApiError(40058, "unknown msgid")
        if now - sent > self.config.recall_window_s:
            raise ApiError(40058, "message is older than 24 hours")
        for delivery in self.deliveries:
            if delivery.msgid == msgid:
                delivery.recalled = True

    def of_message(self, msgid: str, userids: frozenset[str]) -> list[Delivery]:
        """The deliveries of one message to the given members."""
        return [d for d in self.deliveries if d.msgid == msgid and d.touser in userids]

    def find(self, delivery_id: int) -> Delivery | None:
        """Look a delivery up by id."""
        if 1 <= delivery_id <= len(self.deliveries):
            return self.deliveries[delivery_id - 1]
        return None

    def inbox(self, userid: str) -> list[Delivery]:
        """A member's messages, newest first."""
        return [d for d in reversed(self.deliveries) if d.touser == userid]

    def counts(self) -> Counter[str]:
        """Messages per member."""
        return Counter(d.touser for d in self.deliveries)
