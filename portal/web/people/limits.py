"""HR sets an interviewer's booking limits: working hours and days, daily and weekly caps."""

from __future__ import annotations

from typing import Any

from babel.dates import get_day_names
from starlette.requests import Request
from starlette.responses import Response

from portal.db.interviewers import InterviewerProfile, limits_of
from portal.directory.limits import change_limits, get_profile
from portal.i18n import N_
from portal.scheduling import Actor, ActorKind, ValidationFailed, WorkingHours
from portal.scheduling.limits import DEFAULT_LIMITS, Limits, validate_limits, working_hours
from portal.web.core.access import require_user
from portal.web.core.forms import booking_policy, error_texts
from portal.web.core.rendering import language_of, render, translate
from portal.web.core.state import app_state, current_time

FIELDS = ("work_start", "work_end", "daily_cap", "weekly_cap")
DEFAULTS_NOTE = N_(
    "Default rules: %(start)s–%(end)s on %(days)s; at most %(daily)s interviews a day"
    " and %(weekly)s a week."
)


def _weekdays(request: Request) -> list[tuple[str, str]]:
    """(value, localised day name), Monday first, as `date.weekday()` counts."""
    names = get_day_names("wide", locale=language_of(request).babel_locale)
    return [(str(day), names[day]) for day in range(7)]


def _defaults_note(request: Request, hours: WorkingHours) -> str:
    rules = booking_policy(request).rules
    names = dict(_weekdays(request))
    days = ("、" if language_of(request).code == "zh" else ", ").join(
        names[str(day)] for day in sorted(hours.weekdays)
    )
    return translate(
        request,
        DEFAULTS_NOTE,
        start=hours.start.strftime("%H:%M"),
        end=hours.end.strftime("%H:%M"),
        days=days,
        daily=rules.daily_cap or "–",
        weekly=rules.weekly_cap or "–",
    )


def _values(limits: Limits, defaults: WorkingHours) -> dict[str, Any]:
    hours = working_hours(limits, defaults) or defaults
    return {
        "work_start": hours.start.strftime("%H:%M"),
        "work_end": hours.end.strftime("%H:%M"),
        "work_days": {str(day) for day in hours.weekdays},
        "daily_cap": "" if limits.daily_cap is None else str(limits.daily_cap),
        "weekly_cap": "" if limits.weekly_cap is None else str(limits.weekly_cap),
    }


def _form(
    request: Request,
    person: InterviewerProfile,
    values: dict[str, Any] | None = None,
    *,
    errors: dict[str, str] | None = None,
    saved: bool = False,
    status: int = 200,
) -> Response:
    rules = booking_policy(request).rules
    defaults = rules.working_hours or WorkingHours()
    limits = limits_of(person)
    context = {
        "person": person,
        "values": values or _values(limits, defaults),
        "errors": errors or {},
        "saved": saved,
        "uses_defaults": limits == DEFAULT_LIMITS,
        "zone": person.timezone or app_state(request)["settings"].timezone,
        "weekdays": _weekdays(request),
        "defaults_note": _defaults_note(request, defaults),
        "cap_defaults": {"daily": rules.daily_cap or "", "weekly": rules.weekly_cap or ""},
    }
    return render(
        request, "people/limits.html", context, fragment="people/_limits_form.html", status=status
    )


async def page(request: Request) -> Response:
    db = app_state(request)["db"]
    return _form(request, await get_profile(db, request.path_params["person_id"]))


async def save(request: Request) -> Response:
    db = app_state(request)["db"]
    person = await get_profile(db, request.path_params["person_id"])
    form = await request.form()
    try:
        limits = validate_limits(form, defaults=booking_policy(request).rules.working_hours)
    except ValidationFailed as exc:
        values: dict[str, Any] = {name: str(form.get(name) or "") for name in FIELDS}
        values["work_days"] = {str(day) for day in form.getlist("work_days")}
        return _form(request, person, values, errors=error_texts(request, exc), status=422)
    actor = await require_user(request)
    updated = await change_limits(
        db,
        person_id=person.id,
        limits=limits,
        actor=Actor.person(actor, ActorKind.HR),
        now=current_time(request),
    )
    return _form(request, updated, saved=True)
