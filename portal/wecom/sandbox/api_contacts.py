"""Identity (code exchange, user tickets) and contacts (members, departments, tags)."""

from __future__ import annotations

import hashlib
from typing import Any

from .endpoint import ApiCall, Endpoint
from .errors import ApiError, ok
from .org import Department, Member, Org


def _device_id(userid: str) -> str:
    return hashlib.sha1(f"device:{userid}".encode()).hexdigest()[:24]


def getuserinfo(call: ApiCall) -> dict[str, Any]:
    """GET auth/getuserinfo?code=: lower-case keys; user_ticket only for snsapi_privateinfo."""
    state = call.sandbox.state
    grant = state.redeem_code(call.query.get("code", ""))
    if grant.userid is None:
        return ok(openid=grant.openid)
    answer = ok(userid=grant.userid)
    if grant.scope == "snsapi_privateinfo":
        answer["user_ticket"] = state.issue_user_ticket(grant.userid)
        answer["expires_in"] = call.sandbox.config.user_ticket_lifetime_s
    return answer


def legacy_getuserinfo(call: ApiCall) -> dict[str, Any]:
    """GET user/getuserinfo?code=: the legacy spelling (UserId, DeviceId, OpenId)."""
    state = call.sandbox.state
    grant = state.redeem_code(call.query.get("code", ""))
    if grant.userid is None:
        return ok(OpenId=grant.openid, DeviceId=_device_id(str(grant.openid)))
    answer = ok(UserId=grant.userid, DeviceId=_device_id(grant.userid))
    if grant.scope == "snsapi_privateinfo":
        answer["user_ticket"] = state.issue_user_ticket(grant.userid)
        answer["expires_in"] = call.sandbox.config.user_ticket_lifetime_s
    return answer


def getuserdetail(call: ApiCall) -> dict[str, Any]:
    """POST auth/getuserdetail {"user_ticket"}: sensitive fields of the consenting member."""
    ticket = call.body.get("user_ticket")
    userid = call.sandbox.state.ticket_user(ticket if isinstance(ticket, str) else "")
    member = _member(call.sandbox.config.org, userid)
    return ok(
        userid=member.userid,
        gender=member.gender,
        avatar="",
        qr_code="",
        mobile="",
        email=f"{member.userid}@example.com",
        biz_mail=f"{member.userid}@example.com",
        address="",
    )


def _member(org: Org, userid: str) -> Member:
    if not userid:
        raise ApiError(41009)
    member = org.member(userid)
    if member is None:
        raise ApiError(60111, userid)
    return member


def member_json(member: Member) -> dict[str, Any]:
    """user/get fields a self-built app still receives (no mobile, email or avatar)."""
    return {
        "userid": member.userid,
        "name": member.name,
        "department": list(member.department),
        "order": [0 for _ in member.department],
        "position": member.position,
        "status": member.status,
        "is_leader_in_dept": [int(d in member.leader_in) for d in member.department],
        "direct_leader": list(member.direct_leader),
        "main_department": member.main_department,
        "alias": member.name_en,
        "telephone": "",
        "external_position": "",
    }


def user_get(call: ApiCall) -> dict[str, Any]:
    """GET user/get?userid= (60111 for unknown or departed members)."""
    org = call.sandbox.config.org
    return ok(**member_json(_member(org, call.query.get("userid", ""))))


def _department(call: ApiCall, key: str) -> Department | None:
    """The department named by a query parameter; None when absent, 60123 when unknown."""
    raw = call.query.get(key, "")
    if not raw:
        return None
    dept = call.sandbox.config.org.department(int(raw)) if raw.isdigit() else None
    if dept is None:
        raise ApiError(60123, raw)
    return dept


def _required_department(call: ApiCall, key: str) -> Department:
    dept = _department(call, key)
    if dept is None:
        raise ApiError(60123, f"{key} is required")
    return dept


def _listed_members(call: ApiCall) -> list[Member]:
    dept = _required_department(call, "department_id")
    recursive = call.query.get("fetch_child") == "1"
    return call.sandbox.config.org.members_in(dept.id, recursive=recursive)


def user_simplelist(call: ApiCall) -> dict[str, Any]:
    """GET user/simplelist?department_id=[&fetch_child=1]."""
    userlist = [
        {"userid": m.userid, "name": m.name, "department": list(m.department)}
        for m in _listed_members(call)
    ]
    return ok(userlist=userlist)


def user_list(call: ApiCall) -> dict[str, Any]:
    """GET user/list?department_id=[&fetch_child=1]."""
    return ok(userlist=[member_json(m) for m in _listed_members(call)])


def department_json(dept: Department) -> dict[str, Any]:
    """department/list and department/get fields."""
    return {
        "id": dept.id,
        "name": dept.name,
        "name_en": dept.name_en,
        "department_leader": list(dept.leaders),
        "parentid": dept.parentid,
        "order": dept.order,
    }


def _departments(call: ApiCall) -> list[Department]:
    org = call.sandbox.config.org
    dept = _department(call, "id")
    return list(org.departments) if dept is None else org.subtree(dept.id)


def department_list(call: ApiCall) -> dict[str, Any]:
    """GET department/list[?id=]: the whole tree or one subtree."""
    return ok(department=[department_json(d) for d in _departments(call)])


def department_simplelist(call: ApiCall) -> dict[str, Any]:
    """GET department/simplelist[?id=]."""
    ids = [{"id": d.id, "parentid": d.parentid, "order": d.order} for d in _departments(call)]
    return ok(department_id=ids)


def department_get(call: ApiCall) -> dict[str, Any]:
    """GET department/get?id=."""
    return ok(department=department_json(_required_department(call, "id")))


def tag_list(call: ApiCall) -> dict[str, Any]:
    """GET tag/list."""
    tags = call.sandbox.config.org.tags
    return ok(taglist=[{"tagid": t.tagid, "tagname": t.tagname} for t in tags])


def tag_get(call: ApiCall) -> dict[str, Any]:
    """GET tag/get?tagid=: its direct members and departments."""
    raw = call.query.get("tagid", "")
    if not raw:
        raise ApiError(41017)
    org = call.sandbox.config.org
    tag = org.tag(int(raw)) if raw.isdigit() else None
    if tag is None:
        raise ApiError(40068, raw)
    members = [m for m in (org.member(u) for u in tag.userids) if m is not None]
    return ok(
        tagname=tag.tagname,
        userlist=[{"userid": m.userid, "name": m.name} for m in members],
        partylist=list(tag.partyids),
    )


ENDPOINTS = {
    "auth/getuserinfo": Endpoint(getuserinfo),
    "user/getuserinfo": Endpoint(legacy_getuserinfo),
    "auth/getuserdetail": Endpoint(getuserdetail, post=True),
    "user/get": Endpoint(user_get),
    "user/simplelist": Endpoint(user_simplelist),
    "user/list": Endpoint(user_list),
    "department/list": Endpoint(department_list),
    "department/simplelist": Endpoint(department_simplelist),
    "department/get": Endpoint(department_get),
    "tag/list": Endpoint(tag_list),
    "tag/get": Endpoint(tag_get),
}
