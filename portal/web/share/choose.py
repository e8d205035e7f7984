"""The candidate's picker under /c/{token}: a "choose your time" link before its interview
exists (`page`, `pick`), and moving a self-scheduled interview within the policy (`move`).

The picker binds the session to the link as the interview page does, and the same link names
the interview once a pick books it, so the binding carries over to the interview's actions.
A lost race (`TimeTaken`) answers 409 with the times still open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from babel.dates import format_date
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from portal.db.candidate_mail import candidate_contact
from portal.db.self_schedules import SelfSchedule, save_candidate_language, self_schedule_for
from portal.errors import Conflict, Forbidden, NotFound
from portal.i18n import LANGUAGES, N_
from portal.scheduling.availability import SlotOption
from portal.scheduling.self_schedule import by_day, can_move_self
from portal.scheduling.timezones import utc_to_local
from portal.share import choosing, ratelimit
from portal.share.choosing import AlreadyChosen, OpenedChoice, TimeTaken
from portal.share.opening import LinkNotFound, OpenedLink
from portal.share.page import FROM_BROWSER, FROM_COMPANY, FROM_PROFILE, UNREADABLE, valid_zone
from portal.share.page import zone_note as zone_note_for
from portal.web.core.forms import after_post, booking_policy
from portal.web.core.rendering import language_of, render, translate
from portal.web.core.state import app_state, current_time
from portal.web.share.page_values import (
    IN_COMPANY_ZONE_PLAIN,
    SESSION_LINK,
    SESSION_NOTICE,
    SESSION_ZONE,
    SESSION_ZONE_UNREADABLE,
    page_zone,
    remember_zone,
)
from portal.web.share.pages import OTHER_SESSION, PRIVATE, _bound, _open, link_pages

BOOKED = N_("Your interview is booked.")
MOVED = N_("Your interview has moved.")
BAD_START = N_("Please choose one of the times shown.")
NO_TIMES = N_(
    "There are no open times in the next %(days)s working days. Please contact your recruiter."
)
CHOOSE_HEADING = N_("Choose a time for your interview")
MOVE_HEADING = N_("Choose another time")
NOW_AT = N_("Your interview is now on %(day)s at %(time)s.")
ROUND = N_("Round %(round)s")


@dataclass(frozen=True)
class StartView:
    label: str  # HH:MM in the candidate's zone
    value: str  # the UTC ISO instant the form posts


@dataclass(frozen=True)
class DayView:
    heading: str
    starts: tuple[StartView, ...]


# Opening ---------------------------------------------------------------------------------------


async def _open_choice(request: Request) -> OpenedChoice:
    state = app_state(request)
    secret = str(state["settings"].secret_key)
    return await choosing.open_choice(
        state["db"], request.path_params["token"], secret=secret, now=current_time(request)
    )


async def _schedule_of(request: Request, opened: OpenedLink) -> SelfSchedule:
    schedule = await self_schedule_for(app_state(request)["db"], opened.interview.id)
    if schedule is None:  # booked by HR: the reschedule request is the way
        raise NotFound()
    return schedule


def _page_url(request: Request) -> str:
    return str(request.url_for("share:page", token=request.path_params["token"]).path)


def _settled(request: Request, notice: str | None) -> Response:
    """Off to the interview page, which shows `notice` once."""
    if notice:
        request.session[SESSION_NOTICE] = notice
    return after_post(request, _page_url(request))


async def remember_language(request: Request, candidate_id: int, saved: str | None) -> None:
    """The candidate's email follows the language they read their page in."""
    code = language_of(request).code
    if code in LANGUAGES and code != saved:
        await save_candidate_language(app_state(request)["db"], candidate_id, code)


async def remember_interview_language(request: Request, opened: OpenedLink) -> None:
    contact = await candidate_contact(app_state(request)["db"], opened.interview.id)
    saved = contact.language if contact else None
    await remember_language(request, opened.interview.detail.candidate_id, saved)


# Values ----------------------------------------------------------------------------------------


def choice_zone(request: Request, schedule: SelfSchedule) -> tuple[str, str]:
    """(zone, source): the browser's report, else the candidate's saved zone, else the company's."""
    company = app_state(request)["settings"].timezone
    browser = valid_zone(request.session.get(SESSION_ZONE))
    if browser:
        return browser, FROM_BROWSER
    saved = valid_zone(schedule.candidate_timezone)
    if saved:
        return saved, FROM_PROFILE
    if request.session.get(SESSION_ZONE_UNREADABLE):
        return company, UNREADABLE
    return company, FROM_COMPANY


def _days(request: Request, options: Sequence[SlotOption], zone: str) -> list[DayView]:
    locale = language_of(request).babel_locale
    return [
        DayView(
            format_date(day.day, "full", locale=locale),
            tuple(
                StartView(
                    utc_to_local(slot.starts_at, zone).strftime("%H:%M"),
                    slot.starts_at.astimezone(UTC).isoformat(),
                )
                for slot in day.slots
            ),
        )
        for day in by_day((o.slot for o in options), zone)
    ]


def _picker_context(
    request: Request,
    schedule: SelfSchedule,
    options: Sequence[SlotOption],
    *,
    zone: tuple[str, str],
    company_zone: str,
    duration: timedelta,
    moving: OpenedLink | None,
) -> dict[str, Any]:
    token = request.path_params["token"]
    name, source = zone
    note = zone_note_for(name, source, company_zone)
    action = "share:move" if moving else "share:pick"
    current = None
    if moving is not None:
        detail = moving.interview.detail
        local = utc_to_local(detail.starts_at, name)
        day = format_date(local.date(), "full", locale=language_of(request).babel_locale)
        current = translate(request, NOW_AT, day=day, time=local.strftime("%H:%M"))
    return {
        "company": app_state(request)["settings"].company_name or None,
        "position": schedule.position_title,
        "round": schedule.round_name or translate(request, ROUND, round=schedule.round),
        "heading": translate(request, MOVE_HEADING if moving else CHOOSE_HEADING),
        "duration": duration // timedelta(minutes=1),
        "days": _days(request, options, name),
        "empty": translate(request, NO_TIMES, days=schedule.days),
        "zone": name,
        "zone_source": source,
        "zone_note": translate(request, note, zone=name) if note else None,
        "zone_plain": translate(request, IN_COMPANY_ZONE_PLAIN, zone=name)
        if source == FROM_COMPANY
        else None,
        "action": str(request.url_for(action, token=token).path),
        # where the zone script reloads from: this picker again, in the browser's zone
        "reload_url": str(request.url_for("share:move_page", token=token).path)
        if moving
        else _page_url(request),
        "page_url": _page_url(request),
        "current": current,
    }


def _render(
    request: Request, picker: dict[str, Any], *, error: str | None, status: int
) -> Response:
    context = {"picker": picker, "error": error, "viewer_timezone": picker["zone"]}
    return render(
        request,
        "share/choose.html",
        context,
        fragment="share/_choose.html",
        status=status,
        headers=PRIVATE,
    )


async def _choice_picker(
    request: Request, opened: OpenedChoice, *, error: str | None = None, status: int = 200
) -> Response:
    state = app_state(request)
    schedule = opened.schedule
    zone = choice_zone(request, schedule)
    options = await choosing.choice_slots(
        state["db"], schedule, zone=zone[0], now=current_time(request),
        policy=booking_policy(request),
    )  # fmt: skip
    picker = _picker_context(
        request, schedule, options, zone=zone, company_zone=state["settings"].timezone,
        duration=schedule.duration, moving=None,
    )  # fmt: skip
    return _render(request, picker, error=error, status=status)


async def _move_picker(
    request: Request,
    opened: OpenedLink,
    schedule: SelfSchedule,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    """The move picker, or why moving online is closed (no times, the reason on top)."""
    detail, settings = opened.interview.detail, app_state(request)["settings"]
    zone = page_zone(request, opened)
    allowed = can_move_self(
        current_time(request), status=detail.status, starts_at=detail.starts_at,
        moves=schedule.moves, cutoff_hours=settings.candidate_move_hours,
        max_moves=settings.candidate_max_moves,
    )  # fmt: skip
    options: list[SlotOption] = []
    if allowed:
        options = await choosing.choice_slots(
            app_state(request)["db"], schedule, zone=zone[0], now=current_time(request),
            policy=booking_policy(request), moving=detail,
        )  # fmt: skip
    picker = _picker_context(
        request, schedule, options, zone=zone, company_zone=detail.timezone,
        duration=detail.ends_at - detail.starts_at, moving=opened,
    )  # fmt: skip
    if not allowed:
        picker["empty"] = None
        error = error or translate(request, str(allowed.reason), **allowed.params)
    return _render(request, picker, error=error, status=status)


def _parse_start(form: FormData) -> datetime | None:
    """The chosen start: an ISO instant with its offset, else None."""
    value = form.get("starts_at")
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else None


# Handlers --------------------------------------------------------------------------------------


async def page(request: Request) -> Response:
    """`share:page` for a "choose your time" link not booked yet (`pages.page` dispatches)."""
    opened = await _open_choice(request)
    request.session[SESSION_LINK] = opened.link.id
    remember_zone(request, request.query_params.get("tz"))
    await remember_language(
        request, opened.schedule.candidate_id, opened.schedule.candidate_language
    )
    return await _choice_picker(request, opened)


@link_pages
async def pick(request: Request) -> Response:
    try:
        opened = await _open_choice(request)
    except LinkNotFound:
        await _open(request)  # booked meanwhile (another tab): the page shows the interview
        return _settled(request, None)
    if request.session.get(SESSION_LINK) != opened.link.id:
        raise Forbidden(OTHER_SESSION)
    starts_at = _parse_start(await request.form())
    if starts_at is None:
        return await _choice_picker(
            request, opened, error=translate(request, BAD_START), status=422
        )
    state, now = app_state(request), current_time(request)
    await ratelimit.admit(state["db"], link_id=opened.link.id, action="pick", now=now)
    zone, source = choice_zone(request, opened.schedule)
    try:
        await choosing.pick(
            state["db"], state["broadcaster"], opened, starts_at=starts_at, zone=zone, now=now,
            policy=booking_policy(request),
            reported_zone=zone if source == FROM_BROWSER else None,
        )  # fmt: skip
    except TimeTaken as exc:
        return await _choice_picker(
            request, opened, error=translate(request, exc.message), status=409
        )
    except AlreadyChosen:
        return _settled(request, None)
    return _settled(request, BOOKED)


@link_pages
async def move_page(request: Request) -> Response:
    opened = await _open(request)
    request.session[SESSION_LINK] = opened.link.id
    remember_zone(request, request.query_params.get("tz"))
    schedule = await _schedule_of(request, opened)
    return await _move_picker(request, opened, schedule)


@link_pages
async def move(request: Request) -> Response:
    opened = await _bound(request)
    schedule = await _schedule_of(request, opened)
    starts_at = _parse_start(await request.form())
    if starts_at is None:
        error = translate(request, BAD_START)
        return await _move_picker(request, opened, schedule, error=error, status=422)
    state, settings, now = app_state(request), app_state(request)["settings"], current_time(request)
    await ratelimit.admit(state["db"], link_id=opened.link.id, action="move", now=now)
    zone, source = page_zone(request, opened)
    try:
        await choosing.move(
            state["db"], state["broadcaster"], opened, schedule, starts_at=starts_at,
            zone=zone, now=now, policy=booking_policy(request),
            cutoff_hours=settings.candidate_move_hours, max_moves=settings.candidate_max_moves,
            reported_zone=zone if source == FROM_BROWSER else None,
        )  # fmt: skip
    except Conflict as exc:  # taken meanwhile, or the policy: too late, moved enough
        error = translate(request, exc.message, **exc.params)
        return await _move_picker(request, opened, schedule, error=error, status=409)
    return _settled(request, MOVED)
