"""The candidate's share-link pages under /c/{token}: no account, the token proves itself.

Opening the page binds this browser session to the link; actions from a session bound to
another link (or to none) are refused, on top of the app-wide CSRF check. A bad token gets a
neutral 404 page, an expired or revoked link a 410 page; neither says which interview it was.
A client that opens too many links that do not work gets a 429 page for every link until its
window ends (`link_pages`).
"""

from __future__ import annotations

import functools
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.calendar_ics import build_ics
from portal.db.self_schedules import self_schedule_for
from portal.errors import Forbidden
from portal.i18n import N_
from portal.rooms import entrance
from portal.scheduling import ValidationFailed, validate_reschedule_request
from portal.share import service
from portal.share.opening import LinkGone, LinkNotFound, OpenedLink, open_link
from portal.share.page import FROM_BROWSER, parse_cancel_reason
from portal.web.core.entry import enter
from portal.web.core.htmx import HtmxDetails, retarget
from portal.web.core.middleware import loggable_path
from portal.web.core.rendering import render, translate
from portal.web.core.routing import Endpoint
from portal.web.core.state import app_state, current_time
from portal.web.core.throttle import FailureLimit, client_key
from portal.web.share.calendar import calendar_entry
from portal.web.share.page_values import (
    SESSION_LINK,
    SESSION_NOTICE,
    page_context,
    page_zone,
    remember_zone,
)

log = logging.getLogger(__name__)

PRIVATE = {"Cache-Control": "no-store"}  # the page names a person: no shared caches
OTHER_SESSION = N_("Please open your interview link again, then try once more.")
CONFIRMED = N_("Thank you: your attendance is confirmed.")
CHECKED_IN = N_("You are checked in. Your interviewers know you are here.")
CANCELLED = N_("Your interview is cancelled. Your recruiter has been told.")
REQUEST_SENT = N_("Request sent. Your recruiter will get back to you.")
THROTTLED = N_("Too many links that do not work were opened.")
# A candidate opens one link from a message; twenty dead ones in ten minutes is a guesser.
LINK_FAILURE_LIMIT = 20
LINK_FAILURE_WINDOW = timedelta(minutes=10)


def link_failure_limit() -> FailureLimit:
    """The app's one count of dead links per client (`create_app` keeps it in `app.state`)."""
    return FailureLimit(limit=LINK_FAILURE_LIMIT, window=LINK_FAILURE_WINDOW)


def link_pages(endpoint: Endpoint) -> Endpoint:
    """Bad or dead links get the candidate's own neutral pages (htmx: the inline error).

    Invalid and revoked links count alike and take the same path, so neither the count nor
    its timing tells them apart; past the limit every link answers 429, a real one too.
    """

    @functools.wraps(endpoint)
    async def wrapped(request: Request) -> Response:
        failures: FailureLimit = request.app.state.link_failures
        client, now = client_key(request), current_time(request)
        wait = failures.retry_after(client, now)
        if wait is not None:
            log.info("%s %s throttled", request.method, loggable_path(request.url.path))
            return _throttled(request, wait)
        try:
            return await endpoint(request)
        except (LinkNotFound, LinkGone) as exc:
            failures.failed(client, now)
            if HtmxDetails.of(request).request:
                raise
            log.info("%s %s refused: %s", request.method, loggable_path(request.url.path), exc)
            gone = isinstance(exc, LinkGone)
            template = "share/gone.html" if gone else "share/invalid.html"
            context = {"message": translate(request, exc.message)}
            return render(request, template, context, status=exc.status, headers=PRIVATE)

    return wrapped


def _throttled(request: Request, wait: int) -> Response:
    headers = PRIVATE | {"Retry-After": str(wait)}
    context = {"message": translate(request, THROTTLED)}
    if HtmxDetails.of(request).request:
        inline = render(request, "errors/_inline.html", context, status=429, headers=headers)
        return retarget(inline, "#flash")
    return render(request, "share/throttled.html", context, status=429, headers=headers)


async def _open(request: Request) -> OpenedLink:
    state = app_state(request)
    secret = str(state["settings"].secret_key)
    return await open_link(
        state["db"], request.path_params["token"], secret=secret, now=current_time(request)
    )


async def _bound(request: Request) -> OpenedLink:
    """The link, if this session opened it (the candidate session bound to the link)."""
    opened = await _open(request)
    if request.session.get(SESSION_LINK) != opened.link.id:
        raise Forbidden(OTHER_SESSION)
    return opened


async def _page(
    request: Request,
    opened: OpenedLink,
    *,
    notice: str | None = None,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    token = request.path_params["token"]
    schedule = await self_schedule_for(app_state(request)["db"], opened.interview.id)
    context = page_context(
        request, opened, token, now=current_time(request), notice=notice, errors=errors,
        form=form, schedule=schedule,
    )  # fmt: skip
    return render(
        request,
        "share/page.html",
        context,
        fragment="share/_page.html",
        status=422 if errors else 200,
        headers=PRIVATE,
    )


async def _done(request: Request, notice: str) -> Response:
    """htmx: the refreshed page part with a notice; a plain form post: back to the page."""
    if not HtmxDetails.of(request).request:
        url = request.url_for("share:page", token=request.path_params["token"]).path
        return RedirectResponse(url, status_code=303)
    return await _page(request, await _open(request), notice=translate(request, notice))


@link_pages
async def page(request: Request) -> Response:
    from portal.web.share import choose  # the picker builds on this module: import it late

    try:
        opened = await _open(request)
    except LinkNotFound:  # a "choose your time" link not booked yet, or not a link at all
        return await choose.page(request)
    request.session[SESSION_LINK] = opened.link.id
    remember_zone(request, request.query_params.get("tz"))
    await choose.remember_interview_language(request, opened)
    notice = request.session.pop(SESSION_NOTICE, None)  # after a pick or a move, once
    return await _page(request, opened, notice=translate(request, notice) if notice else None)


@link_pages
async def confirm(request: Request) -> Response:
    opened = await _bound(request)
    state = app_state(request)
    zone, source = page_zone(request, opened)
    reported = zone if source == FROM_BROWSER else None
    await service.confirm(
        state["db"], state["broadcaster"], opened, timezone=reported, now=current_time(request)
    )
    return await _done(request, CONFIRMED)


@link_pages
async def check_in(request: Request) -> Response:
    opened = await _bound(request)
    state = app_state(request)
    await service.check_in(state["db"], state["broadcaster"], opened, now=current_time(request))
    return await _done(request, CHECKED_IN)


@link_pages
async def cancel(request: Request) -> Response:
    opened = await _bound(request)
    reason = parse_cancel_reason(await request.form())
    state = app_state(request)
    cutoff = state["settings"].candidate_cancel_hours
    await service.cancel(
        state["db"],
        state["broadcaster"],
        opened,
        reason=reason,
        cutoff_hours=cutoff,
        now=current_time(request),
    )
    return await _done(request, CANCELLED)


@link_pages
async def reschedule(request: Request) -> Response:
    opened = await _bound(request)
    form = await request.form()
    now = current_time(request)
    try:
        proposal = validate_reschedule_request(form, now=now)
    except ValidationFailed as exc:
        errors = {
            name: translate(request, message, **exc.error_params.get(name, {}))
            for name, message in exc.errors.items()
        }
        values = {key: str(value) for key, value in form.items() if isinstance(value, str)}
        return await _page(request, opened, errors=errors, form=values)
    state = app_state(request)
    await service.request_reschedule(state["db"], state["broadcaster"], opened, proposal, now=now)
    return await _done(request, REQUEST_SENT)


@link_pages
async def calendar(request: Request) -> Response:
    opened = await _open(request)
    settings = app_state(request)["settings"]
    host = urlsplit(settings.base_url).hostname or "portal"
    body = build_ics(calendar_entry(request, opened), host=host, now=current_time(request))
    headers = PRIVATE | {"Content-Disposition": 'attachment; filename="interview.ics"'}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


@link_pages
async def join(request: Request) -> Response:
    """The candidate's way into the room, open from a while before the start to after the end."""
    opened = await _open(request)
    state = app_state(request)
    early = timedelta(minutes=state["settings"].join_early_minutes)
    way = await entrance.for_candidate(
        state["db"], opened.interview.detail, now=current_time(request), early=early
    )
    back = request.url_for("share:page", token=request.path_params["token"]).path
    return enter(request, way, back=back, candidate=True)
