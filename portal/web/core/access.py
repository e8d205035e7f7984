"""Who is asking, and may they: the signed-in person and the route access rules."""

from __future__ import annotations

from enum import StrEnum

from starlette.requests import Request

from portal.db.people import Person, get_person
from portal.errors import Forbidden
from portal.i18n import N_
from portal.scheduling import Actor, ActorKind
from portal.web.core.state import app_state, request_cache

SESSION_PERSON = "person_id"


class Access(StrEnum):
    """Who may call a route."""

    PUBLIC = "public"  # anyone, e.g. the landing page, health, sign-in
    SIGNED = "signed"  # the request proves itself (candidate link, WeCom callback signature)
    STAFF = "staff"  # any signed-in member: interviewer, hr or admin
    HR = "hr"  # hr or admin
    ADMIN = "admin"


class LoginRequired(Exception):
    """An anonymous visitor asked for a staff page; they are sent through /login and back."""


async def current_user(request: Request) -> Person | None:
    """The signed-in, still active person, loaded once per request."""
    cache = request_cache(request)
    if "user" in cache:
        cached: Person | None = cache["user"]
        return cached
    person_id = request.session.get(SESSION_PERSON)
    person = None
    if isinstance(person_id, int):
        person = await get_person(app_state(request)["db"], person_id)
        if person is not None and not person.active:
            # Deactivated by a contact sync: the session ends with the membership.
            request.session.clear()
            person = None
    cache["user"] = person
    return person


async def enforce_access(request: Request, access: Access) -> None:
    """Raise LoginRequired or Forbidden unless the request may use a route with `access`."""
    if access in {Access.PUBLIC, Access.SIGNED}:
        await current_user(request)  # pages still show who is signed in
        return
    user = await current_user(request)
    if user is None:
        raise LoginRequired()
    if access is Access.HR and not user.is_hr:
        raise Forbidden(N_("This page is for HR coordinators."))
    if access is Access.ADMIN and not user.is_admin:
        raise Forbidden(N_("This page is for administrators."))


async def require_user(request: Request) -> Person:
    """The signed-in person, for a handler behind a STAFF, HR or ADMIN route.

    The route's access rule has already turned anonymous visitors away; should a handler run
    without one anyway, this sends the visitor to sign in rather than fail later.
    """
    user = await current_user(request)
    if user is None:
        raise LoginRequired()
    return user


async def require_actor(request: Request, role: ActorKind) -> Actor:
    """The signed-in person as who acts in a use case, in `role` (HR or interviewer)."""
    return Actor.person(await require_user(request), role)
