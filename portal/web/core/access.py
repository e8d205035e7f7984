"""Who is asking, and may they: the signed-in person and the route access rules."""

from __future__ import annotations

import contextlib
from enum import StrEnum

from starlette.requests import Request

from portal.db.database import DatabaseUnavailable
from portal.db.people import Person, get_person
from portal.errors import Forbidden
from portal.i18n import N_
from portal.scheduling import Actor, ActorKind
from portal.web.core.language import SESSION_KEY as LANGUAGE_KEY
from portal.web.core.state import app_state, request_cache

SESSION_PERSON = "person_id"
SESSION_EPOCH = "epoch"  # the person's `session_epoch` at sign-in
SESSION_SINCE = "since"  # sign-in, Unix seconds: the absolute limit counts from here
SESSION_SEEN = "seen"  # last use, Unix seconds: the idle limit counts from here
# Last use is rewritten (and the cookie reissued) at most this often, not on every response.
SEEN_STEP_S = 60


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
        if person is None or not _session_holds(request, person):
            end_session(request)
            person = None
    cache["user"] = person
    return person


def start_session(request: Request, person: Person) -> None:
    """A new session for `person`, who has just signed in (nothing of the old one but its
    language survives)."""
    end_session(request)
    now = int(app_state(request)["clock"].timestamp())
    request.session.update(
        {
            SESSION_PERSON: person.id,
            SESSION_EPOCH: person.session_epoch,
            SESSION_SINCE: now,
            SESSION_SEEN: now,
        }
    )


def end_session(request: Request) -> None:
    """Forget who is signed in on this browser; keep only the chosen language."""
    language = request.session.get(LANGUAGE_KEY)
    request.session.clear()
    if language:
        request.session[LANGUAGE_KEY] = language


def _session_holds(request: Request, person: Person) -> bool:
    """Whether the session still speaks for `person`, refreshing its last use."""
    session = request.session
    since, seen = session.get(SESSION_SINCE), session.get(SESSION_SEEN)
    if not person.active or session.get(SESSION_EPOCH) != person.session_epoch:
        return False  # signed out, blocked, role changed, or no longer a member
    if not isinstance(since, int) or not isinstance(seen, int):
        return False  # a cookie from before sessions had limits
    settings = app_state(request)["settings"]
    now = int(app_state(request)["clock"].timestamp())
    if now - since > settings.session_absolute_seconds:
        return False
    if now - seen > settings.session_idle_seconds:
        return False
    if now - seen >= SEEN_STEP_S:
        session[SESSION_SEEN] = now
    return True


async def enforce_access(request: Request, access: Access) -> None:
    """Raise LoginRequired or Forbidden unless the request may use a route with `access`."""
    if access in {Access.PUBLIC, Access.SIGNED}:
        # Pages still show who is signed in; with the database away, /healthz must still
        # answer, and a page that needs data raises DatabaseUnavailable (503) itself.
        with contextlib.suppress(DatabaseUnavailable):
            await current_user(request)
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
