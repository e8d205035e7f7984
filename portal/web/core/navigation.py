"""The header navigation, by role (computed here so templates only render it)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from portal.db.people import Person
from portal.i18n import N_, Language
from portal.web.core.state import request_cache

ROLE_LABELS = {
    "admin": N_("Administrator"),
    "hr": N_("HR coordinator"),
    "interviewer": N_("Interviewer"),
}

# (route name, label, who sees it: "staff", "hr" or "admin")
NAV_ENTRIES: list[tuple[str, str, str]] = [
    ("interviews:board", N_("Board"), "hr"),
    ("interviews:week", N_("Week"), "hr"),
    ("interviews:load", N_("Load"), "hr"),
    ("records:candidates", N_("Candidates"), "hr"),
    ("records:positions", N_("Positions"), "hr"),
    ("mine:list", N_("My interviews"), "staff"),
    ("notifications:list", N_("Notifications"), "hr"),
    ("people:list", N_("People"), "admin"),
    ("people:audit", N_("Audit log"), "admin"),
    ("people:preferences", N_("Settings"), "staff"),
]


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


def _visible(person: Person, audience: str) -> bool:
    return audience == "staff" or (audience == "hr" and person.is_hr) or person.is_admin


def nav_items(request: Request, language: Language) -> list[NavItem]:
    person = request_cache(request).get("user")
    if not isinstance(person, Person):
        return []
    items = []
    for name, label, audience in NAV_ENTRIES:
        if _visible(person, audience):
            url = request.url_for(name).path
            current = request.url.path == url or request.url.path.startswith(url + "/")
            items.append(NavItem(language.gettext(label), url, current))
    return items
