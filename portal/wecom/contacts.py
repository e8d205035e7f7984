"""Contacts: members, departments and tags within the app's visible range.

Apps created after 2022-06-20 no longer receive mobile/email/avatar from these APIs
(wecom-api.md §4.1); those fields are then None.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from portal.wecom.client import WeComClient

JSON = dict[str, Any]
ROOT_DEPARTMENT = 1


class UserStatus(IntEnum):
    ACTIVE = 1
    DISABLED = 2
    NOT_ACTIVATED = 4
    LEFT = 5


@dataclass(frozen=True)
class WeComUser:
    userid: str
    name: str
    department_ids: tuple[int, ...] = ()
    main_department: int | None = None
    position: str | None = None
    status: UserStatus | int | None = None
    alias: str | None = None
    english_name: str | None = None
    email: str | None = None
    biz_mail: str | None = None
    mobile: str | None = None
    telephone: str | None = None
    gender: str | None = None
    avatar: str | None = None
    direct_leader: tuple[str, ...] = ()
    leader_in_departments: tuple[int, ...] = ()

    @property
    def active(self) -> bool:
        return self.status == UserStatus.ACTIVE

    @classmethod
    def from_api(cls, data: JSON) -> WeComUser:
        departments = tuple(int(d) for d in data.get("department") or ())
        leader_flags = data.get("is_leader_in_dept") or ()
        return cls(
            userid=str(data["userid"]),
            name=str(data.get("name") or data["userid"]),
            department_ids=departments,
            main_department=_int(data.get("main_department")),
            position=_str(data.get("position")),
            status=_status(data.get("status")),
            alias=_str(data.get("alias")),
            english_name=_str(data.get("english_name")),
            email=_str(data.get("email")),
            biz_mail=_str(data.get("biz_mail")),
            mobile=_str(data.get("mobile")),
            telephone=_str(data.get("telephone")),
            gender=_str(data.get("gender")),
            avatar=_str(data.get("avatar")),
            direct_leader=tuple(str(u) for u in data.get("direct_leader") or ()),
            leader_in_departments=tuple(
                d for d, flag in zip(departments, leader_flags, strict=False) if flag
            ),
        )


@dataclass(frozen=True)
class MemberSummary:
    """A row of user/simplelist."""

    userid: str
    name: str
    department_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Department:
    id: int
    parent_id: int | None = None
    order: int = 0
    name: str | None = None  # department/simplelist omits names
    name_en: str | None = None
    leaders: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, data: JSON) -> Department:
        parent = _int(data.get("parentid"))
        return cls(
            id=int(data["id"]),
            parent_id=parent if parent else None,
            order=int(data.get("order") or 0),
            name=_str(data.get("name")),
            name_en=_str(data.get("name_en")),
            leaders=tuple(str(u) for u in data.get("department_leader") or ()),
        )


@dataclass(frozen=True)
class TagSummary:
    tagid: int
    tagname: str


@dataclass(frozen=True)
class Tag:
    tagid: int
    tagname: str | None
    members: tuple[MemberSummary, ...]
    department_ids: tuple[int, ...]

    @property
    def userids(self) -> tuple[str, ...]:
        return tuple(m.userid for m in self.members)


class Contacts:
    """`client.user`: read members, departments and tags."""

    def __init__(self, client: WeComClient) -> None:
        self._client = client

    async def get(self, userid: str) -> WeComUser:
        """Read one member; 60111 → `UnknownUser`, 60011 → `PermissionDenied`.

        https://developer.work.weixin.qq.com/document/path/90196
        """
        return WeComUser.from_api(await self._client.get("user/get", {"userid": userid}))

    async def list_members_simple(self, department_id: int) -> list[MemberSummary]:
        """Members directly in a department (userid, name, departments).

        https://developer.work.weixin.qq.com/document/path/90200
        """
        data = await self._client.get("user/simplelist", {"department_id": department_id})
        return [_summary(row) for row in data.get("userlist") or ()]

    async def list_members(self, department_id: int) -> list[WeComUser]:
        """Members directly in a department, with the user/get fields.

        https://developer.work.weixin.qq.com/document/path/90201
        """
        data = await self._client.get("user/list", {"department_id": department_id})
        return [WeComUser.from_api(row) for row in data.get("userlist") or ()]

    async def list_departments(self, department_id: int | None = None) -> list[Department]:
        """A department and everything below it (the whole visible tree when omitted).

        https://developer.work.weixin.qq.com/document/path/90208
        """
        data = await self._client.get("department/list", _id(department_id))
        return [Department.from_api(row) for row in data.get("department") or ()]

    async def list_department_ids(self, department_id: int | None = None) -> list[Department]:
        """Ids, parents and order of a department subtree, without names (the cheap call).

        https://developer.work.weixin.qq.com/document/path/95350
        """
        data = await self._client.get("department/simplelist", _id(department_id))
        return [Department.from_api(row) for row in data.get("department_id") or ()]

    async def get_department(self, department_id: int) -> Department:
        """One department by id.

        https://developer.work.weixin.qq.com/document/path/95351
        """
        data = await self._client.get("department/get", {"id": department_id})
        return Department.from_api(data["department"])

    async def list_members_in_tree(self, root: int = ROOT_DEPARTMENT) -> list[MemberSummary]:
        """Every member in `root` and its sub-departments, once each, in tree order.

        WeCom no longer documents `fetch_child`, so the tree is walked here: one
        department/simplelist call, then one user/simplelist call per department.
        """
        departments = await self.list_department_ids(root)
        order = _tree_order(departments, root)
        seen: dict[str, MemberSummary] = {}
        for department_id in order:
            for member in await self.list_members_simple(department_id):
                seen.setdefault(member.userid, member)
        return list(seen.values())

    async def list_tags(self) -> list[TagSummary]:
        """All tags the app can see.

        https://developer.work.weixin.qq.com/document/path/90216
        """
        data = await self._client.get("tag/list")
        return [
            TagSummary(int(row["tagid"]), str(row.get("tagname", "")))
            for row in data.get("taglist") or ()
        ]

    async def get_tag(self, tagid: int) -> Tag:
        """Members and departments carrying a tag (e.g. the HR tag).

        https://developer.work.weixin.qq.com/document/path/90213
        """
        data = await self._client.get("tag/get", {"tagid": tagid})
        return Tag(
            tagid=tagid,
            tagname=_str(data.get("tagname")),
            members=tuple(_summary(row) for row in data.get("userlist") or ()),
            department_ids=tuple(int(p) for p in data.get("partylist") or ()),
        )


def _tree_order(departments: list[Department], root: int) -> list[int]:
    """Department ids depth-first from `root`, siblings by WeCom's `order` (higher first)."""
    children: dict[int | None, list[Department]] = {}
    for d in departments:
        children.setdefault(d.parent_id, []).append(d)
    ids = {d.id for d in departments}
    # When the root itself is outside the visible range, start from the visible tops.
    stack = [root] if root in ids else [d.id for d in departments if d.parent_id not in ids]
    out: list[int] = []
    while stack:
        current = stack.pop()
        if current in out:
            continue
        out.append(current)
        kids = sorted(children.get(current, ()), key=lambda d: d.order)
        stack.extend(k.id for k in kids)
    return out


def _summary(row: JSON) -> MemberSummary:
    return MemberSummary(
        userid=str(row["userid"]),
        name=str(row.get("name") or row["userid"]),
        department_ids=tuple(int(d) for d in row.get("department") or ()),
    )


def _id(department_id: int | None) -> dict[str, str | int]:
    return {} if department_id is None else {"id": department_id}


def _str(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


def _int(value: object) -> int | None:
    if value is None or value == "":
        return None
    return int(str(value))


def _status(value: object) -> UserStatus | int | None:
    code = _int(value)
    if code is None:
        return None
    try:
        return UserStatus(code)
    except ValueError:
        return code
