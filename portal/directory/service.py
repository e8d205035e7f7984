"""Use cases of the directory: sign a member in, change a role, switch someone off.

Each opens its own transaction; WeCom is asked before the transaction starts so a slow
WeCom never holds database locks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.db import audit
from portal.db.database import Database
from portal.db.people import (
    MemberProfile,
    Person,
    end_sessions,
    get_person,
    get_person_by_userid,
    mark_signed_in,
    set_active,
    set_role_override,
    upsert_member,
)
from portal.directory.errors import MemberInactive, NotAMember, from_wecom
from portal.directory.roles import Role, RolePolicy, compute_role
from portal.errors import BadRequest, NotFound
from portal.i18n import N_
from portal.scheduling import Actor, ActorKind
from portal.wecom import NonMember, WeComClient, WeComError, WeComUser


@dataclass(frozen=True)
class RoleSources:
    """Where roles come from (settings): admins, HR departments, HR tags."""

    admins: tuple[str, ...]
    hr_departments: tuple[int, ...]
    hr_tags: tuple[int, ...]


async def load_role_policy(wecom: WeComClient, sources: RoleSources) -> RolePolicy:
    """Resolve HR tags to members and departments (a tag may carry either)."""
    tag_members: set[str] = set()
    tag_departments: set[int] = set()
    for tagid in sources.hr_tags:
        tag = await wecom.user.get_tag(tagid)
        tag_members.update(tag.userids)
        tag_departments.update(tag.department_ids)
    return RolePolicy(
        admins=frozenset(sources.admins),
        hr_departments=frozenset(sources.hr_departments) | tag_departments,
        hr_tag_members=frozenset(tag_members),
    )


def profile_of(user: WeComUser) -> MemberProfile:
    return MemberProfile(
        wecom_userid=user.userid,
        name=user.name,
        english_name=user.english_name or user.alias,
        department_ids=user.department_ids,
        position=user.position,
        email=user.biz_mail or user.email,
    )


def as_self(person: Person) -> Actor:
    """A member acting for themselves, outside any interview (signing in, their settings)."""
    return Actor.person(person, ActorKind.HR if person.is_hr else ActorKind.INTERVIEWER)


async def sign_in(
    db: Database,
    wecom: WeComClient,
    sources: RoleSources,
    *,
    userid: str,
    ip: str | None,
    now: datetime,
) -> Person:
    """A member WeCom vouched for: refresh their profile and role, and record the sign-in."""
    try:
        user = await wecom.user.get(userid)
        policy = await load_role_policy(wecom, sources)
    except WeComError as exc:
        raise from_wecom(exc) from exc
    if not user.active:
        raise MemberInactive()
    async with db.transaction():
        existing = await get_person_by_userid(db, userid)
        if existing is not None and existing.blocked:
            raise MemberInactive()
        role = compute_role(
            policy,
            userid=userid,
            department_ids=user.department_ids,
            override=existing.role_override if existing else None,
        )
        person, _ = await upsert_member(db, profile_of(user), role=role, now=now)
        await mark_signed_in(db, person.id, now=now)
        await audit.record(
            db,
            "sign_in",
            actor=as_self(person),
            at=now,
            target_kind="person",
            target_id=person.id,
            detail={"role": role.value},
            ip=ip,
        )
    return person


async def sign_in_with_code(
    db: Database,
    wecom: WeComClient,
    sources: RoleSources,
    *,
    code: str,
    ip: str | None,
    now: datetime,
) -> Person:
    """Exchange an OAuth `code` for the member it names, and sign them in.

    WeCom answers a code from someone outside the company with a non-member identity;
    they are refused (`NotAMember`) before anything is written.
    """
    try:
        identity = await wecom.oauth.get_user_info(code)
    except WeComError as exc:
        raise from_wecom(exc) from exc
    if isinstance(identity, NonMember):
        raise NotAMember()
    return await sign_in(db, wecom, sources, userid=identity.userid, ip=ip, now=now)


async def sign_out(
    db: Database, person: Person, *, everywhere: bool = False, now: datetime
) -> None:
    """End every session of `person`: a copied cookie must not outlive a sign-out."""
    async with db.transaction():
        await end_sessions(db, person.id, now=now)
        await audit.record(
            db,
            "signed_out_everywhere" if everywhere else "sign_out",
            actor=as_self(person),
            at=now,
            target_kind="person",
            target_id=person.id,
        )


ROLE_CHOICES = ("auto", Role.HR.value, Role.INTERVIEWER.value)


async def change_role(
    db: Database,
    wecom: WeComClient,
    sources: RoleSources,
    *,
    person_id: int,
    choice: str,
    actor: Actor,
    now: datetime,
) -> Person:
    """An admin sets a role (or "auto": back to departments and tags)."""
    if choice not in ROLE_CHOICES:
        raise BadRequest(N_("Unknown role."))
    try:
        policy = await load_role_policy(wecom, sources)
    except WeComError as exc:
        raise from_wecom(exc) from exc
    async with db.transaction():
        person = await get_person(db, person_id)
        if person is None:
            raise NotFound()
        override = None if choice == "auto" else choice
        role = compute_role(
            policy,
            userid=person.wecom_userid,
            department_ids=person.department_ids,
            override=override,
        )
        await set_role_override(db, person.id, override=override, role=role, now=now)
        await audit.record(
            db,
            "role_changed",
            actor=actor,
            at=now,
            target_kind="person",
            target_id=person.id,
            detail={"from": person.role, "to": role.value, "override": override},
        )
        updated = await get_person(db, person.id)
    assert updated is not None
    return updated


async def change_active(
    db: Database, *, person_id: int, active: bool, actor: Actor, now: datetime
) -> Person:
    """An admin switches a person on or off (their history stays)."""
    if person_id == actor.person_id and not active:
        raise BadRequest(N_("You cannot deactivate yourself."))
    async with db.transaction():
        person = await get_person(db, person_id)
        if person is None:
            raise NotFound()
        # Blocked remembers that an admin, not WeCom, switched them off: a sign-in or a
        # contact sync must not switch them back on.
        await set_active(db, person.id, active=active, blocked=not active, now=now)
        await audit.record(
            db,
            "person_activated" if active else "person_deactivated",
            actor=actor,
            at=now,
            target_kind="person",
            target_id=person.id,
        )
        updated = await get_person(db, person.id)
    assert updated is not None
    return updated
