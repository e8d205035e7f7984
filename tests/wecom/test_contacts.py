"""Members, departments and tags read from the sandbox's demo company."""

from __future__ import annotations

import pytest

from portal.wecom import UnknownUser, UserStatus, WeComClient
from portal.wecom.sandbox import org


async def test_user_get_returns_typed_user(wecom_client: WeComClient) -> None:
    user = await wecom_client.user.get("zhangwei")
    assert user.userid == "zhangwei" and user.name == "张伟"
    assert user.alias == "Zhang Wei"
    assert user.department_ids == (org.DEMO_BACKEND_DEPARTMENT_ID,)
    assert user.main_department == org.DEMO_BACKEND_DEPARTMENT_ID
    assert user.position == "Senior Backend Engineer"
    assert user.status is UserStatus.ACTIVE and user.active
    assert user.leader_in_departments == (org.DEMO_BACKEND_DEPARTMENT_ID,)
    assert user.direct_leader == ("sunhao",)
    assert user.email is None  # new self-built apps no longer receive it


async def test_user_get_disabled_member_reports_status(wecom_client: WeComClient) -> None:
    user = await wecom_client.user.get(org.DEMO_DISABLED_USERID)
    assert user.status is UserStatus.DISABLED and not user.active


@pytest.mark.parametrize("userid", ["nobody", org.DEMO_LEFT_USERID])
async def test_user_get_unknown_or_departed_raises_unknown_user(
    wecom_client: WeComClient, userid: str
) -> None:
    with pytest.raises(UnknownUser):
        await wecom_client.user.get(userid)


async def test_list_departments_whole_tree(wecom_client: WeComClient) -> None:
    departments = await wecom_client.user.list_departments()
    by_id = {d.id: d for d in departments}
    assert set(by_id) == {1, 2, 3, 4, 5, 6}
    assert by_id[1].parent_id is None
    assert by_id[6].parent_id == 2 and by_id[6].name == "后端组"
    assert by_id[6].name_en == "Backend Team" and by_id[6].leaders == ("zhangwei",)


async def test_list_department_ids_subtree(wecom_client: WeComClient) -> None:
    subtree = await wecom_client.user.list_department_ids(org.DEMO_ENGINEERING_DEPARTMENT_ID)
    assert {d.id for d in subtree} == {2, 6}
    assert all(d.name is None for d in subtree)


async def test_get_department(wecom_client: WeComClient) -> None:
    hr = await wecom_client.user.get_department(org.DEMO_HR_DEPARTMENT_ID)
    assert hr.name == "人力资源部" and hr.parent_id == 1


async def test_list_members_simple_and_detailed(wecom_client: WeComClient) -> None:
    simple = await wecom_client.user.list_members_simple(org.DEMO_BACKEND_DEPARTMENT_ID)
    detailed = await wecom_client.user.list_members(org.DEMO_BACKEND_DEPARTMENT_ID)
    assert {m.userid for m in simple} == {"zhangwei", "lina", "zhengyu"}
    assert {u.userid for u in detailed} == {"zhangwei", "lina", "zhengyu"}
    assert all(u.position for u in detailed)


async def test_list_members_in_tree_walks_subdepartments_once_each(
    wecom_client: WeComClient,
) -> None:
    engineering = await wecom_client.user.list_members_in_tree(org.DEMO_ENGINEERING_DEPARTMENT_ID)
    assert sorted(m.userid for m in engineering) == sorted(
        ["sunhao", "wangfang", "huangmin", "chenming", "zhangwei", "lina", "zhengyu"]
    )
    everyone = await wecom_client.user.list_members_in_tree()
    userids = [m.userid for m in everyone]
    assert len(userids) == len(set(userids)) == 12  # the departed member is gone


async def test_tags_list_and_get(wecom_client: WeComClient) -> None:
    tags = await wecom_client.user.list_tags()
    assert {(t.tagid, t.tagname) for t in tags} == {(1, "HR"), (2, "面试官")}
    interviewers = await wecom_client.user.get_tag(org.DEMO_INTERVIEWER_TAG_ID)
    assert interviewers.userids == ("zhangwei", "lina", "sunhao", "wangfang")
    assert interviewers.department_ids == (org.DEMO_BACKEND_DEPARTMENT_ID,)
    assert interviewers.tagname == "面试官"
