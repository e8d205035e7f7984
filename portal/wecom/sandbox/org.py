"""The sandbox's organisation: departments, members and tags, plus the built-in demo company."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

# WeCom member status values (user/get `status`).
STATUS_ACTIVE = 1
STATUS_DISABLED = 2
STATUS_INACTIVE = 4
STATUS_LEFT = 5

DEMO_ROOT_DEPARTMENT_ID = 1
DEMO_ENGINEERING_DEPARTMENT_ID = 2
DEMO_PRODUCT_DEPARTMENT_ID = 3
DEMO_HR_DEPARTMENT_ID = 4
DEMO_DESIGN_DEPARTMENT_ID = 5
DEMO_BACKEND_DEPARTMENT_ID = 6
DEMO_HR_TAG_ID = 1
DEMO_INTERVIEWER_TAG_ID = 2

DEMO_ADMIN_USERID = "chenming"
DEMO_HR_USERID = "liuyang"
DEMO_INTERVIEWER_USERID = "zhangwei"
DEMO_DISABLED_USERID = "huangmin"
DEMO_LEFT_USERID = "gaojun"


@dataclass(frozen=True)
class Department:
    """A WeCom department (id 1 is the root)."""

    id: int
    name: str
    name_en: str
    parentid: int
    order: int = 0
    leaders: tuple[str, ...] = ()


@dataclass(frozen=True)
class Member:
    """A WeCom member; `status` follows user/get (1 active, 2 disabled, 4 inactive, 5 left)."""

    userid: str
    name: str
    name_en: str
    department: tuple[int, ...]
    position: str
    status: int = STATUS_ACTIVE
    gender: str = "0"
    leader_in: tuple[int, ...] = ()
    direct_leader: tuple[str, ...] = ()

    @property
    def main_department(self) -> int:
        """The first listed department, as WeCom reports it."""
        return self.department[0]

    @property
    def exists(self) -> bool:
        """False for a member who left: WeCom deletes them from the contacts."""
        return self.status != STATUS_LEFT

    @property
    def can_receive(self) -> bool:
        """Only activated members receive app messages and can log in."""
        return self.status == STATUS_ACTIVE


@dataclass(frozen=True)
class Tag:
    """A WeCom tag grouping members and departments."""

    tagid: int
    tagname: str
    userids: tuple[str, ...] = ()
    partyids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Org:
    """Read-only organisation with the lookups the sandbox API needs."""

    departments: tuple[Department, ...]
    members: tuple[Member, ...]
    tags: tuple[Tag, ...] = field(default=())

    def department(self, department_id: int) -> Department | None:
        """Find a department by id."""
        return next((d for d in self.departments if d.id == department_id), None)

    def subtree(self, department_id: int) -> list[Department]:
        """The department and all its descendants, parents first."""
        root = self.department(department_id)
        if root is None:
            return []
        found = [root]
        for dept in found:
            found.extend(d for d in self.departments if d.parentid == dept.id)
        return found

    def member(self, userid: str) -> Member | None:
        """Find an existing member; userids are case-insensitive in WeCom."""
        wanted = userid.strip().lower()
        return next((m for m in self.members if m.userid == wanted and m.exists), None)

    def existing_members(self) -> Iterator[Member]:
        """Members still in the corp (disabled ones included)."""
        return (m for m in self.members if m.exists)

    def members_in(self, department_id: int, *, recursive: bool = False) -> list[Member]:
        """Existing members of a department, optionally including sub-departments."""
        ids = {d.id for d in self.subtree(department_id)} if recursive else {department_id}
        return [m for m in self.existing_members() if ids.intersection(m.department)]

    def tag(self, tagid: int) -> Tag | None:
        """Find a tag by id."""
        return next((t for t in self.tags if t.tagid == tagid), None)


def _departments() -> tuple[Department, ...]:
    return (
        Department(DEMO_ROOT_DEPARTMENT_ID, "星河科技", "Xinghe Tech", 0, 100000000, ("chenming",)),
        Department(DEMO_ENGINEERING_DEPARTMENT_ID, "工程部", "Engineering", 1, 100, ("sunhao",)),
        Department(DEMO_PRODUCT_DEPARTMENT_ID, "产品部", "Product", 1, 90, ("zhoujie",)),
        Department(DEMO_HR_DEPARTMENT_ID, "人力资源部", "Human Resources", 1, 80, ("liuyang",)),
        Department(DEMO_DESIGN_DEPARTMENT_ID, "设计部", "Design", 1, 70, ("wuxin",)),
        Department(DEMO_BACKEND_DEPARTMENT_ID, "后端组", "Backend Team", 2, 100, ("zhangwei",)),
    )


def _members() -> tuple[Member, ...]:
    eng, prod, hr, design, backend = 2, 3, 4, 5, 6
    return (
        Member("chenming", "陈明", "Chen Ming", (1, eng), "CTO", gender="1", leader_in=(1,)),
        Member("liuyang", "刘洋", "Liu Yang", (hr,), "HR Manager", gender="2", leader_in=(hr,)),
        Member(
            "zhaolei",
            "赵蕾",
            "Zhao Lei",
            (hr,),
            "Recruiter",
            gender="2",
            direct_leader=("liuyang",),
        ),
        Member(
            "sunhao",
            "孙浩",
            "Sun Hao",
            (eng,),
            "Engineering Manager",
            gender="1",
            leader_in=(eng,),
            direct_leader=("chenming",),
        ),
        Member(
            "zhangwei",
            "张伟",
            "Zhang Wei",
            (backend,),
            "Senior Backend Engineer",
            gender="1",
            leader_in=(backend,),
            direct_leader=("sunhao",),
        ),
        Member(
            "lina",
            "李娜",
            "Li Na",
            (backend,),
            "Backend Engineer",
            gender="2",
            direct_leader=("zhangwei",),
        ),
        Member(
            "zhengyu",
            "郑宇",
            "Zheng Yu",
            (backend,),
            "Data Engineer",
            gender="1",
            direct_leader=("zhangwei",),
        ),
        Member(
            "wangfang",
            "王芳",
            "Wang Fang",
            (eng,),
            "Frontend Engineer",
            gender="2",
            direct_leader=("sunhao",),
        ),
        Member(
            "zhoujie", "周杰", "Zhou Jie", (prod,), "Product Manager", gender="1", leader_in=(prod,)
        ),
        Member(
            "wuxin", "吴昕", "Wu Xin", (design,), "Design Lead", gender="2", leader_in=(design,)
        ),
        Member(
            "maxiaoyu",
            "马晓雨",
            "Ma Xiaoyu",
            (design,),
            "UX Researcher",
            gender="2",
            direct_leader=("wuxin",),
        ),
        Member(
            "huangmin",
            "黄敏",
            "Huang Min",
            (eng,),
            "QA Engineer",
            status=STATUS_DISABLED,
            gender="2",
        ),
        Member(
            "gaojun",
            "高军",
            "Gao Jun",
            (backend,),
            "Backend Engineer",
            status=STATUS_LEFT,
            gender="1",
        ),
    )


def demo_org() -> Org:
    """The built-in demo company used by `portal demo` and the tests."""
    return Org(
        departments=_departments(),
        members=_members(),
        tags=(
            Tag(DEMO_HR_TAG_ID, "HR", ("liuyang", "zhaolei")),
            Tag(
                DEMO_INTERVIEWER_TAG_ID,
                "面试官",
                ("zhangwei", "lina", "sunhao", "wangfang"),
                (DEMO_BACKEND_DEPARTMENT_ID,),
            ),
        ),
    )
