from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import pytest

from portal.db.audit import list_entries
from portal.db.database import Database
from portal.db.people import MemberProfile, get_person_by_userid, list_all_people, upsert_member
from portal.directory.roles import Role, RolePolicy, compute_role
from portal.directory.service import RoleSources, change_active, change_role
from portal.directory.sync import sync_contacts, sync_if_due
from portal.scheduling import Actor, ActorKind
from portal.wecom import WeComClient
from portal.wecom import sandbox as demo
from portal.wecom.sandbox import SandboxConfig
from tests.support.sandbox import SandboxControl
from tests.support.when import NOW

ACTIVE_DEMO_MEMBERS = 11


async def test_sync_adds_active_members_with_roles(
    db: Database, wecom_client: WeComClient, sources: RoleSources
) -> None:
    report = await sync_contacts(db, wecom_client, sources, now=NOW)
    assert (report.added, report.updated, report.deactivated) == (ACTIVE_DEMO_MEMBERS, 0, 0)
    assert report.departments == 6 and report.skipped_departments == []
    roles = {p.wecom_userid: p.role for p in await list_all_people(db)}
    assert roles[demo.DEMO_ADMIN_USERID] == "admin"
    assert roles["liuyang"] == "hr" and roles["zhaolei"] == "hr"  # the HR tag
    assert roles[demo.DEMO_INTERVIEWER_USERID] == "interviewer"
    assert demo.DEMO_DISABLED_USERID not in roles and demo.DEMO_LEFT_USERID not in roles
    person = await get_person_by_userid(db, "zhangwei")
    assert person is not None and person.name == "张伟" and person.english_name == "Zhang Wei"


async def test_sync_twice_changes_nothing(
    db: Database, wecom_client: WeComClient, sources: RoleSources
) -> None:
    await sync_contacts(db, wecom_client, sources, now=NOW)
    again = await sync_contacts(db, wecom_client, sources, now=NOW)
    assert (again.added, again.updated, again.deactivated) == (0, 0, 0)
    assert again.unchanged == ACTIVE_DEMO_MEMBERS
    audit = await list_entries(db, action="contacts_sync")
    assert audit.total == 2 and audit.items[0].detail is not None
    assert audit.items[0].detail["unchanged"] == ACTIVE_DEMO_MEMBERS


async def test_sync_member_gone_from_wecom_is_deactivated_not_deleted(
    db: Database, wecom_client: WeComClient, sources: RoleSources
) -> None:
    profile = MemberProfile("ghost", "幽灵", None, (2,), None, None)
    await upsert_member(db, profile, role="interviewer", now=NOW - timedelta(days=1))
    report = await sync_contacts(db, wecom_client, sources, now=NOW)
    ghost = await get_person_by_userid(db, "ghost")
    assert report.deactivated == 1
    assert ghost is not None and not ghost.active


async def test_sync_unreadable_department_is_skipped_and_its_people_kept(
    db: Database, wecom_client: WeComClient, sources: RoleSources, sandbox: SandboxControl
) -> None:
    await sync_contacts(db, wecom_client, sources, now=NOW)
    sandbox.fault(path="user/list", errcode=60011, times=1)  # the first department listed
    report = await sync_contacts(db, wecom_client, sources, now=NOW)
    assert len(report.skipped_departments) == 1
    assert report.skipped_departments[0][1] == "60011"
    assert report.deactivated == 0
    assert all(p.active for p in await list_all_people(db))


async def test_sync_keeps_admin_role_override_and_block(
    db: Database, wecom_client: WeComClient, sources: RoleSources
) -> None:
    await sync_contacts(db, wecom_client, sources, now=NOW)
    admin = await get_person_by_userid(db, demo.DEMO_ADMIN_USERID)
    target = await get_person_by_userid(db, "lina")
    other = await get_person_by_userid(db, "wangfang")
    assert admin and target and other
    actor = Actor.person(admin, ActorKind.HR)
    await change_role(
        db, wecom_client, sources, person_id=target.id, choice="hr", actor=actor, now=NOW
    )
    await change_active(db, person_id=other.id, active=False, actor=actor, now=NOW)
    await sync_contacts(db, wecom_client, sources, now=NOW)
    target_after = await get_person_by_userid(db, "lina")
    other_after = await get_person_by_userid(db, "wangfang")
    assert target_after and target_after.role == "hr" and target_after.role_override == "hr"
    assert other_after and not other_after.active and other_after.blocked
    actions = {entry.action for entry in (await list_entries(db)).items}
    assert {"role_changed", "person_deactivated", "contacts_sync"} <= actions


async def test_sync_if_due_runs_once_a_day(
    db: Database, wecom_client: WeComClient, sources: RoleSources
) -> None:
    assert await sync_if_due(db, wecom_client, sources, now=NOW) is not None
    assert await sync_if_due(db, wecom_client, sources, now=NOW + timedelta(hours=23)) is None
    assert await sync_if_due(db, wecom_client, sources, now=NOW + timedelta(hours=24)) is not None


async def test_sync_if_due_started_twice_at_once_syncs_once(
    db: Database, wecom_client: WeComClient, sources: RoleSources
) -> None:
    """Two workers starting together (PostgreSQL: another process holds the job meanwhile)."""
    if not db.is_postgres:
        pytest.skip("one process on SQLite: the jobs of one process never overlap")
    reports = await asyncio.gather(
        *(sync_if_due(db, wecom_client, sources, now=NOW) for _ in range(3))
    )
    assert sum(report is not None for report in reports) == 1
    assert (await list_entries(db, action="contacts_sync")).total == 1


@pytest.fixture
def wecom_config() -> SandboxConfig:
    """An organisation where one member changed department since the demo org."""
    org = demo.demo_org()
    members = tuple(
        dataclasses.replace(m, department=(demo.DEMO_HR_DEPARTMENT_ID,))
        if m.userid == "wangfang"
        else m
        for m in org.members
    )
    return SandboxConfig(org=dataclasses.replace(org, members=members))


async def test_sync_department_move_updates_role(db: Database, wecom_client: WeComClient) -> None:
    sources = RoleSources(admins=(), hr_departments=(demo.DEMO_HR_DEPARTMENT_ID,), hr_tags=())
    report = await sync_contacts(db, wecom_client, sources, now=NOW)
    moved = await get_person_by_userid(db, "wangfang")
    assert report.added == ACTIVE_DEMO_MEMBERS
    assert moved is not None and moved.role == "hr"


@pytest.mark.parametrize(
    ("userid", "departments", "override", "expected"),
    [
        ("boss", (1,), None, Role.ADMIN),
        ("boss", (1,), "interviewer", Role.ADMIN),  # settings' admins always win
        ("hrperson", (4,), None, Role.HR),
        ("tagged", (2,), None, Role.HR),
        ("dev", (2,), None, Role.INTERVIEWER),
        ("dev", (2,), "hr", Role.HR),
        ("hrperson", (4,), "interviewer", Role.INTERVIEWER),
        ("dev", (2,), "bogus", Role.INTERVIEWER),
    ],
)
def test_compute_role_table(
    userid: str, departments: tuple[int, ...], override: str | None, expected: Role
) -> None:
    policy = RolePolicy(
        admins=frozenset({"boss"}),
        hr_departments=frozenset({4}),
        hr_tag_members=frozenset({"tagged"}),
    )
    role = compute_role(policy, userid=userid, department_ids=departments, override=override)
    assert role is expected
