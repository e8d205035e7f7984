"""Contact sync: WeCom departments and members into the portal's people directory.

Idempotent. People who left are deactivated, never deleted (their interviews keep their
history). A department the app may not read (60011) is reported and skipped; its members are
checked one by one before anyone is deactivated, so a permission gap never locks people out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from portal.db import audit
from portal.db.database import Database
from portal.db.departments import deactivate_departments_except, upsert_department
from portal.db.locks import only_one
from portal.db.people import deactivate, list_all_people, upsert_member
from portal.directory.roles import compute_role
from portal.directory.service import RoleSources, load_role_policy, profile_of
from portal.scheduling import Actor
from portal.wecom import WeComClient, WeComUser
from portal.wecom.contacts import Department
from portal.wecom.errors import PermissionDenied, UnknownUser

log = logging.getLogger(__name__)


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    departments: int = 0
    skipped_departments: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "departments": self.departments,
            "skipped_departments": [list(item) for item in self.skipped_departments],
        }


@dataclass
class _Snapshot:
    departments: list[Department]
    members: dict[str, WeComUser]
    skipped: list[tuple[int, str]]


async def _read_wecom(wecom: WeComClient) -> _Snapshot:
    departments = await wecom.user.list_departments()
    members: dict[str, WeComUser] = {}
    skipped: list[tuple[int, str]] = []
    for department in departments:
        try:
            listed = await wecom.user.list_members(department.id)
        except PermissionDenied as exc:
            log.warning("contact sync: department %s skipped (%s)", department.id, exc.errcode)
            skipped.append((department.id, f"{exc.errcode}"))
            continue
        for member in listed:
            members.setdefault(member.userid, member)
    return _Snapshot(departments, members, skipped)


async def _still_member(wecom: WeComClient, userid: str) -> bool:
    try:
        return (await wecom.user.get(userid)).active
    except UnknownUser:
        return False
    except PermissionDenied:
        return True  # cannot tell: keep them rather than lock them out


async def sync_contacts(
    db: Database,
    wecom: WeComClient,
    sources: RoleSources,
    *,
    now: datetime,
    actor: Actor | None = None,
) -> SyncReport:
    """Mirror WeCom into people/departments and report what changed."""
    snapshot = await _read_wecom(wecom)
    policy = await load_role_policy(wecom, sources)
    skipped_ids = {department_id for department_id, _ in snapshot.skipped}
    known = {person.wecom_userid: person for person in await list_all_people(db)}
    # People we did not see: gone, unless they sit in a department we could not read.
    unseen = [p for p in known.values() if p.active and p.wecom_userid not in snapshot.members]
    to_deactivate = []
    for person in unseen:
        if skipped_ids.intersection(person.department_ids) and await _still_member(
            wecom, person.wecom_userid
        ):
            continue
        to_deactivate.append(person.id)

    report = SyncReport(departments=len(snapshot.departments), skipped_departments=snapshot.skipped)
    async with db.transaction():
        for department in snapshot.departments:
            await upsert_department(
                db,
                id=department.id,
                name=department.name or str(department.id),
                parent_id=department.parent_id,
                sort_order=department.order,
                now=now,
            )
        await deactivate_departments_except(db, {d.id for d in snapshot.departments}, now=now)
        for userid, member in snapshot.members.items():
            existing = known.get(userid)
            if not member.active:
                if existing is not None and existing.active:
                    to_deactivate.append(existing.id)
                continue
            role = compute_role(
                policy,
                userid=userid,
                department_ids=member.department_ids,
                override=existing.role_override if existing else None,
            )
            _, changed = await upsert_member(db, profile_of(member), role=role, now=now)
            if existing is None:
                report.added += 1
            elif changed:
                report.updated += 1
            else:
                report.unchanged += 1
        await deactivate(db, to_deactivate, now=now)
        report.deactivated = len(to_deactivate)
        await audit.record(
            db, "contacts_sync", actor=actor or Actor.system(), at=now, detail=report.as_dict()
        )
    log.info("contact sync: %s", report.as_dict())
    return report


SYNC_INTERVAL = timedelta(hours=24)


async def sync_if_due(
    db: Database, wecom: WeComClient, sources: RoleSources, *, now: datetime
) -> SyncReport | None:
    """The daily run: sync when the last one is older than a day. Any process may do it, one
    at a time: workers started together would otherwise all sync (and collide on inserts)."""
    async with only_one(db, "contacts_sync") as mine:
        if not mine:
            return None  # another process is syncing now
        last = await audit.last_recorded_at(db, "contacts_sync")
        if last is not None and now - last < SYNC_INTERVAL:
            return None
        return await sync_contacts(db, wecom, sources, now=now)
