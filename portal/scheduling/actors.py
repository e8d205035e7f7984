"""Who acted: one value for the state machine, status history, audit log and `updated_by`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from portal.scheduling.states import ActorKind

PERSON = "person"  # the stored actor_kind of every signed-in staff member, whatever their role


class Member(Protocol):
    """A signed-in staff member as the portal knows them (`portal.db.people.Person`)."""

    @property
    def id(self) -> int: ...

    @property
    def wecom_userid(self) -> str: ...


@dataclass(frozen=True)
class Actor:
    role: ActorKind  # what the state machine checks
    ref: str | None  # stored as actor_id: a WeCom userid, a candidate id; None for the system
    person_id: int | None = None  # a staff member's people.id: interviews.updated_by, the panel

    @classmethod
    def person(cls, member: Member, role: ActorKind) -> Actor:
        """A staff member acting as `role` (HR, or an interviewer on the panel)."""
        return cls(role, member.wecom_userid, member.id)

    @classmethod
    def candidate(cls, candidate_id: int) -> Actor:
        """The candidate, through their share link."""
        return cls(ActorKind.CANDIDATE, str(candidate_id))

    @classmethod
    def system(cls) -> Actor:
        """The portal itself: jobs and scheduled syncs."""
        return cls(ActorKind.SYSTEM, None)

    @property
    def kind(self) -> str:
        """The stored actor_kind: staff are "person" (history and audit join on their userid)."""
        return PERSON if self.person_id is not None else self.role.value
