"""HR resolves a candidate's reschedule request in one click: free times inside its windows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_time
from starlette.requests import Request
from starlette.responses import Response

from portal.db.interviews import InterviewDetail, get_detail
from portal.i18n import N_
from portal.interviews import request_slots
from portal.interviews.errors import InterviewNotFound, StaleInterview
from portal.interviews.request_slots import WindowSlots
from portal.scheduling import Actor, ActorKind, BookingConflict, DomainError
from portal.scheduling.availability import Reason
from portal.scheduling.fields import MAX_ID, FormReader, RawForm
from portal.web.core.access import require_user
from portal.web.core.forms import after_post, booking_policy, error_texts
from portal.web.core.rendering import language_of, render, translate, viewer_timezone
from portal.web.core.state import app_state, current_time

SLOT_TAKEN = N_("Someone took that time meanwhile. These are the times still free.")
BAD_TIME = N_("Choose one of the times listed.")
_REASONS = {
    Reason.EVERYONE_FREE: N_("the whole panel is free"),
    Reason.PREFERRED_HOURS: N_("within everyone's preferred hours"),
}


@dataclass(frozen=True)
class SlotView:
    starts_at: str  # ISO 8601 UTC, the form's value
    label: str  # in HR's zone
    candidate_label: str | None  # in the candidate's zone, when it differs
    reasons: str


@dataclass(frozen=True)
class WindowView:
    label: str
    slots: tuple[SlotView, ...]


async def _detail(request: Request) -> InterviewDetail:
    detail = await get_detail(app_state(request)["db"], request.path_params["interview_id"])
    if detail is None:
        raise InterviewNotFound()
    return detail


def _span(request: Request, start: datetime, end: datetime, zone: str) -> str:
    locale, tz = language_of(request).babel_locale, ZoneInfo(zone)
    day = format_datetime(start, "EEE d MMM HH:mm", tzinfo=tz, locale=locale)
    return f"{day}–{format_time(end, 'HH:mm', tzinfo=tz, locale=locale)}"


def _views(request: Request, found: list[WindowSlots], candidate_zone: str) -> list[WindowView]:
    hr_zone = viewer_timezone(request)
    other = ZoneInfo(candidate_zone) != ZoneInfo(hr_zone)
    views = []
    for entry in found:
        slots = tuple(
            SlotView(
                starts_at=option.slot.starts_at.isoformat(),
                label=_span(request, option.slot.starts_at, option.slot.ends_at, hr_zone),
                candidate_label=(
                    _span(request, option.slot.starts_at, option.slot.ends_at, candidate_zone)
                    if other
                    else None
                ),
                reasons=" · ".join(translate(request, _REASONS[r]) for r in option.reasons),
            )
            for option in entry.slots
        )
        window = entry.window
        views.append(WindowView(_span(request, window.starts_at, window.ends_at, hr_zone), slots))
    return views


async def _fragment(
    request: Request, detail: InterviewDetail, errors: dict[str, str], status: int = 200
) -> Response:
    db = app_state(request)["db"]
    open_request = await request_slots.open_request(db, detail.id)
    windows: list[WindowView] = []
    if open_request is not None:
        policy = booking_policy(request)
        found = await request_slots.slots_in_request(
            db,
            detail,
            open_request,
            current_time(request),
            policy.rules,
            default_timezone=policy.default_timezone,
        )
        windows = _views(request, found, open_request.timezone)
    context: dict[str, Any] = {
        "i": detail,
        "open_request": open_request,
        "windows": windows,
        "any_slot": any(w.slots for w in windows),
        "errors": errors,
        "apply_url": request.url_for("interviews:reschedule_apply", interview_id=detail.id).path,
    }
    return render(
        request,
        "interviews/request_slots.html",
        context,
        fragment="interviews/_request_slots.html",
        status=status,
    )


async def show(request: Request) -> Response:
    return await _fragment(request, await _detail(request), {})


async def apply(request: Request) -> Response:
    form, state = await request.form(), app_state(request)
    detail = await _detail(request)
    user = await require_user(request)
    try:
        request_id, version, starts_at = _read(form)
        detail = await request_slots.apply_request_slot(
            state["db"],
            state["broadcaster"],
            detail,
            request_id=request_id,
            starts_at=starts_at,
            version=version,
            actor=Actor.person(user, ActorKind.HR),
            now=current_time(request),
            policy=booking_policy(request),
        )
    except BookingConflict:
        fresh = await _detail(request)
        return await _fragment(request, fresh, {"form": translate(request, SLOT_TAKEN)}, 422)
    except StaleInterview as exc:
        errors = {"form": translate(request, exc.message, **exc.params)}
        return await _fragment(request, exc.current, errors, 422)
    except DomainError as exc:
        errors = error_texts(request, exc)
        message = errors.get("form") or translate(request, BAD_TIME)
        return await _fragment(request, await _detail(request), {"form": message}, 422)
    return after_post(request, request.url_for("interviews:detail", interview_id=detail.id).path)


def _read(form: RawForm) -> tuple[int, int, datetime]:
    """The chosen time's hidden fields: request id, interview version, start in ISO UTC."""
    reader = FormReader(form)
    request_id = reader.integer("request_id", low=1, high=MAX_ID)
    version = reader.integer("version", low=1, high=MAX_ID)
    starts_at = _instant(reader.raw("starts_at"))
    if starts_at is None:
        reader.fail("form", BAD_TIME)
    reader.finish()
    assert request_id is not None and version is not None and starts_at is not None
    return request_id, version, starts_at


def _instant(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return None if moment.tzinfo is None else moment.astimezone(UTC)
