"""The signed-in person's own settings: language, time zone and, for HR, the morning digest."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from portal.db.people import Person
from portal.directory.preferences import PreferencesChoice, change_preferences
from portal.i18n import LANGUAGE_NAMES
from portal.scheduling import RawForm, ValidationFailed, zone_names
from portal.scheduling.fields import FormReader
from portal.web.core.access import require_user
from portal.web.core.forms import COMMON_ZONES, after_post, error_texts
from portal.web.core.htmx import HtmxDetails
from portal.web.core.language import SESSION_KEY as LANGUAGE_KEY
from portal.web.core.rendering import language_of, render
from portal.web.core.state import app_state, current_time, request_cache

LANGUAGE_CHOICES = {code: code for code in LANGUAGE_NAMES}


def read_settings(form: RawForm, *, may_digest: bool) -> PreferencesChoice:
    """The form as a choice; a blank time zone means the company's."""
    reader = FormReader(form)
    locale = reader.choice("language", LANGUAGE_CHOICES)
    timezone = reader.timezone("timezone") if reader.raw("timezone") else None
    reader.finish()
    assert locale is not None
    digest = reader.checkbox("digest_opt_in") if may_digest else None
    return PreferencesChoice(locale, timezone, digest)


def _values(request: Request, person: Person) -> dict[str, Any]:
    return {
        "language": person.locale or language_of(request).code,
        "timezone": person.timezone or "",
        "digest_opt_in": person.digest_opt_in,
    }


def _form(
    request: Request,
    person: Person,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    saved: bool = False,
    status: int = 200,
) -> Response:
    context = {
        "values": values,
        "errors": errors or {},
        "saved": saved,
        "show_digest": person.is_hr,
        "default_zone": app_state(request)["settings"].timezone,
        "common_zones": COMMON_ZONES,
        "other_zones": [name for name in zone_names() if name not in COMMON_ZONES],
        "now": current_time(request),
    }
    return render(
        request,
        "people/preferences.html",
        context,
        fragment="people/_preferences_form.html",
        status=status,
    )


def _remember(request: Request, person: Person) -> None:
    """Answer this request as the updated person already (their language, their zone)."""
    request.session[LANGUAGE_KEY] = person.locale
    cache = request_cache(request)
    cache["user"] = person
    cache.pop("language", None)


async def page(request: Request) -> Response:
    user = await require_user(request)
    saved = request.query_params.get("saved") == "1"
    return _form(request, user, _values(request, user), saved=saved)


async def save(request: Request) -> Response:
    user, form = await require_user(request), await request.form()
    try:
        choice = read_settings(form, may_digest=user.is_hr)
    except ValidationFailed as exc:
        values: dict[str, Any] = {n: str(form.get(n) or "") for n in ("language", "timezone")}
        values["digest_opt_in"] = bool(form.get("digest_opt_in"))
        return _form(request, user, values, errors=error_texts(request, exc), status=422)
    same_language = choice.locale == language_of(request).code
    updated = await change_preferences(
        app_state(request)["db"], person=user, choice=choice, now=current_time(request)
    )
    _remember(request, updated)
    if HtmxDetails.of(request).request and same_language:
        return _form(request, updated, _values(request, updated), saved=True)
    # A new language changes the whole page (header included): load it again.
    return after_post(request, request.url_for("people:preferences").path + "?saved=1")
