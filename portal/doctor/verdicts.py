"""What each finding means and what to do about it (pure: the probes gather, this judges)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection, Mapping

from portal.db.migrate import SchemaStatus
from portal.doctor.report import Result, failed, passed, shorten
from portal.wecom import AppInfo, redact

SETTINGS = "settings"
DATABASE = "database"
GETTOKEN = "gettoken"
TRUSTED_IP = "trusted IP"
VISIBLE_RANGE = "visible range"
CALLBACK = "callback URL"
PLATFORM = "platform"
SMTP = "SMTP"

ADMIN_APP = "the admin console (work.weixin.qq.com): 应用管理 → the app"
_CREDENTIALS = (
    "Check WECOM_SECRET: it must be this app's Secret (应用管理 → the app → Secret), "
    "not another app's or the contacts-sync secret"
)
# errcode -> (what WeCom means, what the operator does); wecom-api.md §1.1.
WECOM_CODES: dict[int, tuple[str, str]] = {
    -1: ("WeCom is busy", "Run the doctor again in a minute."),
    40001: ("invalid secret", _CREDENTIALS + "."),
    40013: ("invalid corp id", "Check WECOM_CORP_ID (我的企业 → 企业信息 → 企业ID)."),
    40056: ("invalid agent id", "Check WECOM_AGENT_ID (应用管理 → the app → AgentId)."),
    40091: ("the secret is invalid (reset, or from another corp)", _CREDENTIALS + "."),
    41002: ("corp id missing", "Set WECOM_CORP_ID."),
    41004: ("secret missing", "Set WECOM_SECRET."),
    45009: (
        "called too often; WeCom blocks for a minute or longer",
        "Wait, run the doctor again, and look for something else calling WeCom in a loop.",
    ),
    45033: ("too many calls at once", "Run the doctor again in a moment."),
    48002: (
        "this API is not authorised for the app",
        f"Check the app's API permissions in {ADMIN_APP}.",
    ),
    50003: ("the app is disabled", f"Enable it in {ADMIN_APP}."),
    60011: ("outside the app's visible range", f"Widen 可见范围 in {ADMIN_APP}."),
    301002: (
        "WECOM_AGENT_ID and WECOM_SECRET belong to different apps",
        "Take both from the same app (应用管理 → the app: AgentId and Secret).",
    ),
}


def wecom_refusal(name: str, errcode: int | None, errmsg: str, *, what: str) -> Result:
    """A WeCom errcode as a failed check: the code, its meaning and the fix."""
    unlisted = (f"errmsg {shorten(redact(errmsg))!r}", "")
    meaning, advice = WECOM_CODES.get(errcode or 0, unlisted)
    return failed(name, f"WeCom refused {what}: errcode {errcode} ({meaning})", advice)


def wecom_unreachable(name: str, api_base: str, reason: str) -> Result:
    return failed(
        name,
        f"no usable answer from {api_base} ({reason})",
        "Check that this server reaches WeCom (DNS, firewall, outbound proxy) and WECOM_API_BASE.",
    )


_FROM_IP = re.compile(r"from ip:\s*([0-9A-Fa-f.:]+)")


def egress_ip(errmsg: str) -> str | None:
    """The caller's IP that WeCom names in an errmsg ("…, from ip: 203.0.113.7, …")."""
    match = _FROM_IP.search(errmsg)
    if match is None:
        return None
    try:
        return str(ipaddress.ip_address(match[1].rstrip(".:")))
    except ValueError:
        return None


def untrusted_ip(name: str, errmsg: str) -> Result:
    """60020: our egress IP is not in the app's 企业可信IP list."""
    ip = egress_ip(errmsg)
    found = f"WeCom refused our IP {ip} (60020)" if ip else "WeCom refused our IP (60020)"
    where = f"{ADMIN_APP} → 企业可信IP"
    if ip is None:
        return failed(name, found, f"Add this server's public egress IP in {where}.")
    return failed(name, found, f"Add it in {where} (it takes about a minute to apply).")


def visible_range(
    app: AppInfo,
    hr_departments: Collection[int],
    parents: Mapping[int, int | None],
    tag_departments: Collection[int] = (),
) -> Result:
    """Each HR department must be in the visible range, itself or through a department above.

    `parents` maps every department WeCom listed to its parent (a department the app cannot
    see is usually not listed at all); `tag_departments` are those the range's tags carry.
    """
    if app.closed:
        return failed(
            VISIBLE_RANGE, f"app {app.agent_id} is disabled", f"Enable it in {ADMIN_APP}."
        )
    allowed = set(app.department_ids) | set(tag_departments)
    outside = [d for d in sorted(hr_departments) if _covering(d, allowed, parents) is None]
    if outside:
        listed = ", ".join(str(d) for d in outside)
        return failed(
            VISIBLE_RANGE,
            f"HR department {listed} is outside the app's visible range "
            f"({_describe(app)}); HR there cannot sign in or get messages",
            f"Add it in {ADMIN_APP} → 可见范围.",
        )
    covered = ", ".join(
        f"{d} (via {via})" if via != d else str(d)
        for d in sorted(hr_departments)
        if (via := _covering(d, allowed, parents)) is not None
    )
    return passed(VISIBLE_RANGE, f"the app sees the HR departments: {covered}")


def _covering(
    department: int, allowed: Collection[int], parents: Mapping[int, int | None]
) -> int | None:
    """The allowed department `department` falls under (itself or an ancestor), if any."""
    seen: set[int] = set()
    current: int | None = department
    while current is not None and current not in seen:
        if current in allowed:
            return current
        seen.add(current)
        current = parents.get(current)
    return None


def _describe(app: AppInfo) -> str:
    members = len(app.userids)
    parts = [
        f"departments {', '.join(map(str, app.department_ids))}" if app.department_ids else "",
        f"tags {', '.join(map(str, app.tag_ids))}" if app.tag_ids else "",
        f"{members} member{'s' if members != 1 else ''}" if members else "",
    ]
    return "it covers " + ("; ".join(p for p in parts if p) or "nobody")


def schema(status: SchemaStatus, where: str) -> Result:
    """The database's migration state against migrations/."""
    heads = ", ".join(status.heads)
    if status.unknown:
        return failed(
            DATABASE,
            f"{where} is at revision {', '.join(status.unknown)}, which this code does not know "
            f"(its newest is {heads})",
            "Newer code migrated it: deploy that version (or restore the database).",
        )
    if not status.current:
        return failed(
            DATABASE,
            f"{where} is reachable but has no schema ({status.behind} migrations to apply)",
            "Run `portal migrate`.",
        )
    if status.behind:
        return failed(
            DATABASE,
            f"{where} is at revision {', '.join(status.current)}, {status.behind} migration"
            f"{'s' if status.behind != 1 else ''} behind {heads}",
            "Run `portal migrate`.",
        )
    return passed(DATABASE, f"{where} reachable, migrations current ({heads})")


_CALLBACK_KEYS = (
    "its WECOM_CALLBACK_TOKEN, WECOM_CALLBACK_AES_KEY or WECOM_CORP_ID differ from this "
    "configuration, or its clock is more than 5 minutes off"
)


def callback_answer(
    url: str, status_code: int, body: bytes, expected: str, location: str | None
) -> Result:
    """Judge the answer to a URL verification: WeCom wants 200 and exactly the plain echostr."""
    if status_code == 200 and body == expected.encode():
        return passed(CALLBACK, f"{url} answered WeCom's URL verification")
    if status_code == 200:
        got = shorten(body.decode("utf-8", "replace"), 40)
        near = body.strip().strip(b'"') == expected.encode()
        return failed(
            CALLBACK,
            f"{url} answered 200 but not the decrypted echostr (got {got!r})",
            "Something adds quotes or whitespace on the way; WeCom wants the bare echostr."
            if near
            else "PORTAL_BASE_URL reaches something other than this portal: another server, "
            "a proxy's own page, or a portal with other callback settings (token / AES key "
            "mismatch).",
        )
    if 300 <= status_code < 400:
        return failed(
            CALLBACK,
            f"{url} answered HTTP {status_code} (a redirect to {location or '?'})",
            "WeCom does not follow redirects: set PORTAL_BASE_URL to the final public address.",
        )
    if status_code in (400, 403):
        return failed(
            CALLBACK,
            f"{url} answered HTTP {status_code}: the portal there refused WeCom's signed request",
            f"Token / AES key mismatch: {_CALLBACK_KEYS}.",
        )
    if status_code == 404:
        return failed(
            CALLBACK,
            f"{url} answered HTTP 404",
            "PORTAL_BASE_URL does not reach this portal, or the proxy does not pass "
            "/wecom/callback through.",
        )
    return failed(
        CALLBACK,
        f"{url} answered HTTP {status_code}",
        "Check the portal's log and the reverse proxy in front of it.",
    )


def transport_reason(exc: BaseException) -> str:
    """A transport error in a few words: its kind and, when it says one, its message."""
    text = shorten(str(exc), 60)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def callback_unreachable(url: str, reason: str) -> Result:
    return failed(
        CALLBACK,
        f"{url} is unreachable ({reason})",
        "WeCom must reach it from the internet: check PORTAL_BASE_URL, DNS, TLS, the firewall "
        "and that `portal serve` is running behind the proxy.",
    )
