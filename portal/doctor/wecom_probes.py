"""The WeCom checks: gettoken, the trusted IP, the visible range, the callback URL."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable
from typing import TypeVar

import httpx

from portal.clock import Clock
from portal.doctor import verdicts
from portal.doctor.report import Result, passed, skipped
from portal.doctor.verdicts import GETTOKEN, TRUSTED_IP, VISIBLE_RANGE
from portal.settings import Settings
from portal.wecom import (
    IpNotAllowed,
    WeComClient,
    WeComCrypto,
    WeComError,
    WeComUnavailable,
)
from portal.wecom.tokens import ACCESS_TOKEN

CALLBACK_PATH = "/wecom/callback"
MAX_ANSWER = 4096  # bytes of the callback's answer worth reading: an echostr is short

T = TypeVar("T")


class Refused(Exception):
    """A WeCom call failed; `result` says how, for the check that made it."""

    def __init__(self, result: Result) -> None:
        super().__init__(result.detail)
        self.result = result


async def _ask(name: str, settings: Settings, what: str, call: Awaitable[T]) -> T:
    """Await `call`, turning a WeCom failure into `Refused` with the check's verdict."""
    try:
        return await call
    except IpNotAllowed as exc:
        raise Refused(verdicts.untrusted_ip(name, exc.errmsg)) from exc
    except WeComUnavailable as exc:
        result = verdicts.wecom_unreachable(name, settings.wecom.api_base, exc.errmsg)
        raise Refused(result) from exc
    except WeComError as exc:
        raise Refused(verdicts.wecom_refusal(name, exc.errcode, exc.errmsg, what=what)) from exc


async def gettoken(wecom: WeComClient, settings: Settings, clock: Clock) -> Result:
    """A fresh access token (the doctor's token store starts empty)."""
    try:
        await _ask(GETTOKEN, settings, "WECOM_CORP_ID / WECOM_SECRET", wecom.tokens.access_token())
    except Refused as refused:
        return refused.result
    stored = await wecom.tokens.store.get(wecom.tokens.key(ACCESS_TOKEN))
    if stored is None:
        return passed(GETTOKEN, "token issued")
    expires_in = round(stored.expires_at.timestamp() - clock.timestamp())
    return passed(GETTOKEN, f"token issued (expires in {expires_in} s)")


async def trusted_ip(wecom: WeComClient, settings: Settings) -> Result:
    """A business API WeCom guards with 企业可信IP: the contact sync's department list.

    Any answer but 60020 proves the IP passed, even a refusal for another reason.
    """
    try:
        await wecom.user.list_department_ids()
    except IpNotAllowed as exc:
        return verdicts.untrusted_ip(TRUSTED_IP, exc.errmsg)
    except WeComUnavailable as exc:
        return verdicts.wecom_unreachable(TRUSTED_IP, settings.wecom.api_base, exc.errmsg)
    except WeComError as exc:
        detail = f"WeCom did not refuse our IP (department/simplelist: errcode {exc.errcode})"
        return passed(TRUSTED_IP, detail)
    return passed(TRUSTED_IP, "WeCom accepted a business API call (department/simplelist)")


async def visible_range(wecom: WeComClient, settings: Settings) -> Result:
    """agent/get's allow_partys (and its tags' departments) against the HR departments."""
    try:
        hr = set(settings.hr_departments)
        for tagid in settings.hr_tags:  # as the portal resolves HR tags (load_role_policy)
            tag = await _ask(
                VISIBLE_RANGE, settings, f"to read HR tag {tagid}", wecom.user.get_tag(tagid)
            )
            hr.update(tag.department_ids)
        if not hr:
            return skipped(VISIBLE_RANGE, "no HR departments configured (PORTAL_HR_DEPARTMENTS)")
        app = await _ask(VISIBLE_RANGE, settings, "agent/get", wecom.agent.get())
        tag_departments: set[int] = set()
        for tagid in app.tag_ids:
            tag = await _ask(
                VISIBLE_RANGE, settings, f"to read tag {tagid}", wecom.user.get_tag(tagid)
            )
            tag_departments.update(tag.department_ids)
        tree = await _ask(
            VISIBLE_RANGE, settings, "department/simplelist", wecom.user.list_department_ids()
        )
    except Refused as refused:
        return refused.result
    parents = {d.id: d.parent_id for d in tree}
    return verdicts.visible_range(app, hr, parents, tag_departments)


async def callback(
    http: httpx.AsyncClient, settings: Settings, clock: Clock, timeout: float
) -> Result:
    """WeCom's URL verification, through the public URL: a signed GET with an encrypted echostr."""
    url = settings.url(CALLBACK_PATH)
    wecom = settings.wecom
    crypto = WeComCrypto(str(wecom.callback_token), str(wecom.callback_aes_key), wecom.corp_id)
    echo = str(secrets.randbelow(10**19))  # WeCom's echostr is a long random number
    echostr = crypto.encrypt(echo)
    timestamp, nonce = str(int(clock.timestamp())), str(secrets.randbelow(10**10))
    params = {
        "msg_signature": crypto.signature(timestamp, nonce, echostr),
        "timestamp": timestamp,
        "nonce": nonce,
        "echostr": echostr,
    }
    try:
        async with http.stream("GET", url, params=params, timeout=timeout) as response:
            body = b""
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_ANSWER:
                    break
    except httpx.TimeoutException:
        return verdicts.callback_unreachable(url, f"no answer within {timeout:g} s")
    except httpx.RequestError as exc:
        return verdicts.callback_unreachable(url, verdicts.transport_reason(exc))
    location = response.headers.get("location")
    return verdicts.callback_answer(url, response.status_code, body, echo, location)
