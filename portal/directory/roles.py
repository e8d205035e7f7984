"""Role rules (pure): admin from settings, hr from departments/tags or an admin's choice."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    HR = "hr"
    INTERVIEWER = "interviewer"


@dataclass(frozen=True)
class RolePolicy:
    admins: frozenset[str]
    hr_departments: frozenset[int]
    hr_tag_members: frozenset[str]


def compute_role(
    policy: RolePolicy,
    *,
    userid: str,
    department_ids: Collection[int],
    override: str | None,
) -> Role:
    """Admins from settings always win; then an admin's explicit choice; then membership."""
    if userid in policy.admins:
        return Role.ADMIN
    if override in {Role.HR, Role.INTERVIEWER}:
        return Role(override)
    if policy.hr_departments.intersection(department_ids) or userid in policy.hr_tag_members:
        return Role.HR
    return Role.INTERVIEWER
