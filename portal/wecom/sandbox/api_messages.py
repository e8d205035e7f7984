"""message/send, message/recall and message/update_template_card."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .config import SandboxConfig
from .endpoint import ApiCall, Endpoint
from .errors import ApiError, ok
from .mailbox import INTERACTIVE_CARDS, Delivery
from .org import Member, Org, Tag
from .validate import validate_card, validate_message

DEFAULT_DUPLICATE_INTERVAL = 1800
MAX_DUPLICATE_INTERVAL = 4 * 3600


@dataclass
class Recipients:
    """Who a message reaches, and which requested ids were invalid."""

    userids: list[str] = field(default_factory=list)
    invaliduser: list[str] = field(default_factory=list)
    invalidparty: list[str] = field(default_factory=list)
    invalidtag: list[str] = field(default_factory=list)

    def add(self, userid: str) -> None:
        """Add a member once, keeping order."""
        if userid not in self.userids:
            self.userids.append(userid)


def check_agentid(body: dict[str, Any], config: SandboxConfig) -> int:
    """41011 when missing, 40056 when not an id, 301002 when another app's id."""
    value = body.get("agentid")
    if value is None or value == "":
        raise ApiError(41011)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise ApiError(40056)
    if int(value) != config.agent_id:
        raise ApiError(301002, f"agentid {value} is not the app of this access_token")
    return int(value)


def _split(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, str):
        raise ApiError(40058, "touser/toparty/totag must be strings joined by '|'")
    return [part.strip() for part in value.split("|") if part.strip()]


def _as_int(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def _tag_members(org: Org, tag: Tag) -> list[Member]:
    direct = [m for m in (org.member(u) for u in tag.userids) if m is not None]
    return direct + [m for p in tag.partyids for m in org.members_in(p, recursive=True)]


def resolve(org: Org, users: list[str], parties: list[str], tags: list[str]) -> Recipients:
    """Expand users, departments (with sub-departments) and tags into active members."""
    found = Recipients()
    if "@all" in users:
        users, parties, tags = [], [], []
        candidates = list(org.existing_members())
    else:
        candidates = []
    for userid in users:
        member = org.member(userid)
        if member is not None and member.can_receive:
            candidates.append(member)
        else:
            found.invaliduser.append(userid.lower())
    for party in parties:
        party_id = _as_int(party)
        if party_id is None or org.department(party_id) is None:
            found.invalidparty.append(party)
        else:
            candidates += org.members_in(party_id, recursive=True)
    for tag_text in tags:
        tag = org.tag(_as_int(tag_text) or -1)
        if tag is None:
            found.invalidtag.append(tag_text)
        else:
            candidates += _tag_members(org, tag)
    for member in candidates:
        if member.can_receive:
            found.add(member.userid)
    return found


def _recipients(call: ApiCall) -> Recipients:
    body = call.body
    users, parties, tags = (
        _split(body.get("touser")),
        _split(body.get("toparty")),
        (_split(body.get("totag"))),
    )
    if len(users) > 1000:
        raise ApiError(40032)
    if len(parties) > 100:
        raise ApiError(82002)
    if len(tags) > 100:
        raise ApiError(82003)
    found = resolve(call.sandbox.config.org, users, parties, tags)
    if not found.userids:
        raise ApiError(
            81013,
            invaliduser="|".join(found.invaliduser),
            invalidparty="|".join(found.invalidparty),
            invalidtag="|".join(found.invalidtag),
        )
    return found


def _duplicate_interval(body: dict[str, Any]) -> int:
    value = body.get("duplicate_check_interval", DEFAULT_DUPLICATE_INTERVAL)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(40058, "duplicate_check_interval must be an integer")
    return max(1, min(value, MAX_DUPLICATE_INTERVAL))


def send(call: ApiCall) -> dict[str, Any]:
    """POST message/send."""
    config, state, body = call.sandbox.config, call.sandbox.state, call.body
    agentid = check_agentid(body, config)
    msgtype, part, truncated = validate_message(body)
    dedupe = body.get("enable_duplicate_check") in (1, "1", True)
    key = json.dumps(body, sort_keys=True, ensure_ascii=False)
    if dedupe and (earlier := state.mailbox.duplicate(key, call.now)) is not None:
        state.counters["duplicates_suppressed"] += 1
        return earlier
    found = _recipients(call)
    if msgtype == "template_card" and part.get("task_id"):
        state.mailbox.claim_task_id(str(part["task_id"]))
    msgid, delivered, dropped = state.mailbox.deliver(
        msgtype, part, found.userids, agentid=agentid, now=call.now
    )
    state.counters["messages_delivered"] += len(delivered)
    state.counters["dropped_rate_limited"] += dropped
    answer = ok(
        invaliduser="|".join(found.invaliduser),
        invalidparty="|".join(found.invalidparty),
        invalidtag="|".join(found.invalidtag),
        unlicenseduser="",
        msgid=msgid,
    )
    for delivery in delivered:
        delivery.truncated = truncated
    if msgtype == "template_card" and part.get("card_type") in INTERACTIVE_CARDS:
        userids = [d.touser for d in delivered]
        answer["response_code"] = state.mailbox.grant_response_code(msgid, userids, call.now)
        for delivery in delivered:
            delivery.response_code = answer["response_code"]
    if dedupe:
        state.mailbox.remember(key, call.now + _duplicate_interval(body), answer)
    return answer


def recall(call: ApiCall) -> dict[str, Any]:
    """POST message/recall."""
    msgid = call.body.get("msgid")
    if not isinstance(msgid, str) or not msgid:
        raise ApiError(40058, "msgid is required")
    call.sandbox.state.mailbox.recall(msgid, call.now)
    return ok()


def _id_list(body: dict[str, Any], key: str) -> list[str]:
    value = body.get(key, [])
    if not isinstance(value, list):
        raise ApiError(40058, f"{key} must be a list")
    return [str(item) for item in value]


def _update_targets(call: ApiCall, allowed: frozenset[str]) -> tuple[set[str], list[str]]:
    body = call.body
    if body.get("atall") == 1:
        return set(allowed), []
    userids = _id_list(body, "userids")
    found = resolve(
        call.sandbox.config.org, userids, _id_list(body, "partyids"), _id_list(body, "tagids")
    )
    invalid = [u.lower() for u in userids if u.lower() not in allowed]
    return set(found.userids) & allowed, invalid


def _apply_update(deliveries: list[Delivery], body: dict[str, Any]) -> None:
    button = body.get("button")
    if isinstance(button, dict):
        name = button.get("replace_name")
        if not isinstance(name, str) or not name:
            raise ApiError(40058, "button.replace_name is required")
        if any(d.card_type not in INTERACTIVE_CARDS for d in deliveries):
            raise ApiError(40058, "replace_name only applies to interaction cards")
        for delivery in deliveries:
            delivery.replace_name = name
            delivery.updates += 1
        return
    card, _ = validate_card(body.get("template_card"))
    for delivery in deliveries:
        delivery.body = dict(card)
        delivery.replace_name = None
        delivery.updates += 1


def update_template_card(call: ApiCall) -> dict[str, Any]:
    """POST message/update_template_card: consume a response_code once."""
    body, mailbox = call.body, call.sandbox.state.mailbox
    check_agentid(body, call.sandbox.config)
    if ("button" in body) == ("template_card" in body):
        raise ApiError(40058, "give exactly one of button or template_card")
    code = body.get("response_code")
    if not isinstance(code, str) or not code:
        raise ApiError(40058, "response_code is required")
    grant = mailbox.response_grant(code, call.now)
    targets, invalid = _update_targets(call, grant.userids)
    if not targets:
        raise ApiError(81013, invaliduser=invalid)
    _apply_update(mailbox.of_message(grant.msgid, frozenset(targets)), body)
    grant.used = True
    return ok(invaliduser=invalid)


ENDPOINTS = {
    "message/send": Endpoint(send, post=True),
    "message/recall": Endpoint(recall, post=True),
    "message/update_template_card": Endpoint(update_template_card, post=True),
}
