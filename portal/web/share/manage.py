"""HR's controls for an interview's candidate link: show and copy it, regenerate, revoke."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.errors import NotFound
from portal.scheduling import Actor, ActorKind
from portal.share import hr_links
from portal.share.hr_links import LinkState
from portal.share.signing import candidate_url
from portal.web.core.access import require_user
from portal.web.core.htmx import HtmxDetails
from portal.web.core.rendering import render
from portal.web.core.state import app_state, current_time


def _context(request: Request, found: LinkState) -> dict[str, Any]:
    settings = app_state(request)["settings"]
    link = found.link
    url = None
    if link is not None and found.state == "active":
        now = current_time(request)
        url = candidate_url(settings.base_url, link.id, str(settings.secret_key), now=now)
    iid = found.interview_id
    return {
        "share": {
            "interview_id": iid,
            "state": found.state,
            "url": url,
            "expires_at": link.expires_at if link else None,
            "regenerate_url": request.url_for("share:regenerate", interview_id=iid).path,
            "revoke_url": request.url_for("share:revoke", interview_id=iid).path,
            "request": found.request,
            "handled_url": request.url_for("share:request_handled", interview_id=iid).path,
        }
    }


def _panel(request: Request, found: LinkState) -> Response:
    response = render(
        request, "share/link.html", _context(request, found), fragment="share/_link_panel.html"
    )
    response.headers["Cache-Control"] = "no-store"  # the page holds a working link
    return response


def _interview_id(request: Request) -> int:
    value = request.path_params["interview_id"]
    if not isinstance(value, int) or value < 1:
        raise NotFound()
    return value


async def show(request: Request) -> Response:
    db = app_state(request)["db"]
    return _panel(
        request, await hr_links.link_state(db, _interview_id(request), now=current_time(request))
    )


async def _after(request: Request, found: LinkState) -> Response:
    if HtmxDetails.of(request).request:
        return _panel(request, found)
    url = request.url_for("share:link", interview_id=found.interview_id).path
    return RedirectResponse(url, status_code=303)


async def regenerate(request: Request) -> Response:
    state, user = app_state(request), await require_user(request)
    found = await hr_links.regenerate(
        state["db"],
        interview_id=_interview_id(request),
        actor=Actor.person(user, ActorKind.HR),
        grace_hours=state["settings"].link_grace_hours,
        now=current_time(request),
    )
    return await _after(request, found)


async def revoke(request: Request) -> Response:
    state, user = app_state(request), await require_user(request)
    found = await hr_links.revoke(
        state["db"],
        interview_id=_interview_id(request),
        actor=Actor.person(user, ActorKind.HR),
        now=current_time(request),
    )
    return await _after(request, found)


async def request_handled(request: Request) -> Response:
    state, user = app_state(request), await require_user(request)
    found = await hr_links.close_request(
        state["db"],
        state["broadcaster"],
        interview_id=_interview_id(request),
        actor=Actor.person(user, ActorKind.HR),
        now=current_time(request),
    )
    return await _after(request, found)
