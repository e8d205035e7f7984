"""The candidate page's values, computed and translated here so the templates only print them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from starlette.requests import Request

from portal.db.reschedule_requests import RescheduleRequest
from portal.db.rooms import CLOSED
from portal.db.self_schedules import SelfSchedule
from portal.i18n import N_
from portal.scheduling import STATUS_LABELS, TERMINAL, Decision, Status
from portal.scheduling.candidate_rules import join_opens_at
from portal.scheduling.self_schedule import can_move_self
from portal.share.opening import OpenedLink
from portal.share.page import (
    FROM_COMPANY,
    UNREADABLE,
    Actions,
    actions_for,
    display_zone,
    valid_zone,
    zone_note,
)
from portal.web.core.rendering import language_of, translate
from portal.web.core.state import app_state

SESSION_LINK = "candidate_link"  # the link this browser session opened (binds actions)
SESSION_ZONE = "candidate_zone"  # the zone its browser reported
SESSION_ZONE_UNREADABLE = "candidate_zone_unreadable"  # its browser reported none we know
SESSION_NOTICE = "candidate_notice"  # the msgid the next page shows once (a pick, a move)
WINDOWS = (1, 2, 3)

# Without JavaScript the browser is never asked: say plainly which zone the times are in.
IN_COMPANY_ZONE_PLAIN = N_("Times are shown in the company's time zone, %(zone)s.")
COMPANY_TIME = N_("Company time (%(zone)s): %(time)s")
ROOM_OPENS_AT = N_(
    "The room link becomes active at %(time)s, %(minutes)s minutes before the start."
)
NO_ROOM_YET = N_("The room link will appear here before the interview.")
CONTACT = N_("Your recruiter is %(name)s.")


@dataclass(frozen=True)
class ActionView:
    allowed: bool
    note: str | None
    url: str


@dataclass(frozen=True)
class WindowView:
    text: str


def _note(request: Request, decision: Decision) -> str | None:
    return translate(request, decision.reason, **decision.params) if decision.reason else None


class _Formatter:
    def __init__(self, request: Request, zone: str) -> None:
        self.locale = language_of(request).babel_locale
        self.zone = ZoneInfo(zone)

    def day(self, moment: datetime, fmt: str = "full") -> str:
        return format_date(moment.astimezone(self.zone).date(), fmt, locale=self.locale)

    def clock(self, moment: datetime) -> str:
        return format_time(moment, "short", tzinfo=self.zone, locale=self.locale)

    def span(self, starts_at: datetime, ends_at: datetime) -> str:
        return f"{self.clock(starts_at)} – {self.clock(ends_at)}"

    def moment(self, starts_at: datetime, ends_at: datetime) -> str:
        return f"{self.day(starts_at, 'medium')} {self.span(starts_at, ends_at)}"


def page_zone(request: Request, opened: OpenedLink) -> tuple[str, str]:
    """(zone, source) the page shows times in."""
    company = opened.interview.detail.timezone
    zone, source = display_zone(request.session.get(SESSION_ZONE), opened.interview, company)
    if source == FROM_COMPANY and request.session.get(SESSION_ZONE_UNREADABLE):
        return zone, UNREADABLE
    return zone, source


def remember_zone(request: Request, reported: str | None) -> None:
    """What the page's script reported (`?tz=`): a zone we know, or that it found none."""
    if reported is None:
        return
    zone = valid_zone(reported)
    if zone:
        request.session[SESSION_ZONE] = zone
        request.session.pop(SESSION_ZONE_UNREADABLE, None)
    else:
        request.session[SESSION_ZONE_UNREADABLE] = True


def _join(
    request: Request,
    opened: OpenedLink,
    token: str,
    join: Decision,
    fmt: _Formatter,
    now: datetime,
) -> dict[str, Any]:
    """The "Enter the interview room" button (through `/c/{token}/join`), or why not yet."""
    detail = opened.interview.detail
    if detail.status in TERMINAL:
        return {"url": None, "note": None}
    has_room = detail.room is not None and detail.room.state != CLOSED
    if not (has_room or detail.room_url):
        return {"url": None, "note": translate(request, NO_ROOM_YET)}
    if join:
        return {"url": _url(request, "share:join", token), "note": None}
    early = app_state(request)["settings"].join_early_minutes
    opens_at = join_opens_at(detail.starts_at, timedelta(minutes=early))
    if now < opens_at:  # not open yet: say when it will be
        note = translate(request, ROOM_OPENS_AT, time=fmt.clock(opens_at), minutes=early)
        return {"url": None, "note": note}
    return {"url": None, "note": _note(request, join)}


def _contact(request: Request, opened: OpenedLink) -> str | None:
    name = opened.interview.detail.created_by_name
    return translate(request, CONTACT, name=name) if name else None


def _request_windows(request: RescheduleRequest | None, fmt: _Formatter) -> list[WindowView]:
    if request is None:
        return []
    return [WindowView(fmt.moment(w.starts_at, w.ends_at)) for w in request.windows]


def _actions(request: Request, actions: Actions, token: str) -> dict[str, ActionView]:
    decisions = {
        "confirm": actions.confirm,
        "checkin": actions.check_in,
        "cancel": actions.cancel,
        "reschedule": actions.reschedule,
    }
    return {
        name: ActionView(
            bool(decision), _note(request, decision), _url(request, f"share:{name}", token)
        )
        for name, decision in decisions.items()
    }


def _move(
    request: Request, opened: OpenedLink, schedule: SelfSchedule | None, token: str, now: datetime
) -> ActionView | None:
    """The "Choose another time" offer of a self-scheduled interview (None: HR booked it)."""
    if schedule is None:
        return None
    settings, detail = app_state(request)["settings"], opened.interview.detail
    decision = can_move_self(
        now, status=detail.status, starts_at=detail.starts_at, moves=schedule.moves,
        cutoff_hours=settings.candidate_move_hours, max_moves=settings.candidate_max_moves,
    )  # fmt: skip
    return ActionView(
        bool(decision), _note(request, decision), _url(request, "share:move_page", token)
    )


def _url(request: Request, name: str, token: str) -> str:
    return str(request.url_for(name, token=token).path)


def page_context(
    request: Request,
    opened: OpenedLink,
    token: str,
    *,
    now: datetime,
    notice: str | None = None,
    errors: Mapping[str, str] | None = None,
    form: Mapping[str, str] | None = None,
    schedule: SelfSchedule | None = None,
) -> dict[str, Any]:
    """Everything `share/_page.html` prints (`schedule`: the invitation it was chosen through)."""
    settings = app_state(request)["settings"]
    detail = opened.interview.detail
    zone, source = page_zone(request, opened)
    fmt, company_fmt = _Formatter(request, zone), _Formatter(request, detail.timezone)
    early = timedelta(minutes=settings.join_early_minutes)
    actions = actions_for(
        opened.interview, now, cancel_hours=settings.candidate_cancel_hours, join_early=early
    )
    note = zone_note(zone, source, detail.timezone)
    page = {
        "company": settings.company_name or None,  # unset: no name, never the staff portal's
        "position": detail.position_title,
        "round": detail.round,
        "status": detail.status.value,
        "status_label": translate(request, STATUS_LABELS[detail.status]),
        "cancelled": detail.status == Status.CANCELLED,
        "closed": detail.status in TERMINAL,
        "cancel_reason": detail.cancel_reason,
        "date_text": fmt.day(detail.starts_at),
        "time_text": fmt.span(detail.starts_at, detail.ends_at),
        "duration": (detail.ends_at - detail.starts_at) // timedelta(minutes=1),
        "zone": zone,
        "zone_source": source,
        "zone_note": translate(request, note, zone=zone) if note else None,
        "zone_plain": translate(request, IN_COMPANY_ZONE_PLAIN, zone=zone)
        if source == FROM_COMPANY
        else None,
        "company_time": None
        if zone == detail.timezone
        else translate(
            request,
            COMPANY_TIME,
            zone=detail.timezone,
            time=company_fmt.moment(detail.starts_at, detail.ends_at),
        ),
        "join": _join(request, opened, token, actions.join, fmt, now),
        "location": detail.location,
        "interviewers": list(opened.interview.interviewer_names),
        "prep": detail.candidate_prep,
        "contact": _contact(request, opened),
        "actions": _actions(request, actions, token),
        "move": _move(request, opened, schedule, token, now),
        "any_action": actions.any_open,
        "request_sent": opened.open_request is not None,
        "request_windows": _request_windows(opened.open_request, fmt),
        "page_url": _url(request, "share:page", token),
        "calendar_url": _url(request, "share:calendar", token),
    }
    return {
        "page": page,
        "notice": notice,
        "errors": dict(errors or {}),
        "form": dict(form or {}),
        "windows": WINDOWS,
        "viewer_timezone": zone,
    }
