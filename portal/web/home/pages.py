"""The landing page (signed in: what needs the person now) and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.db.departments import department_names
from portal.directory.preferences import PreferencesChoice, change_preferences
from portal.home import hr_day, my_next
from portal.i18n import normalise
from portal.scheduling import today_range
from portal.web.core.access import current_user
from portal.web.core.language import SESSION_KEY as LANGUAGE_KEY
from portal.web.core.navigation import ROLE_LABELS
from portal.web.core.rendering import render, translate, viewer_timezone
from portal.web.core.state import app_state, current_time
from portal.web.interviews.views import labels


async def landing(request: Request) -> Response:
    user = await current_user(request)
    if user is None:
        return render(request, "home/landing.html")
    db, now = app_state(request)["db"], current_time(request)
    names = await department_names(db)
    today = today_range(now, viewer_timezone(request))
    day = await hr_day(db, today=today, now=now) if user.is_hr else None
    context = labels(request) | {
        "role_label": translate(request, ROLE_LABELS[user.role]),
        "department_names": [names[i] for i in user.department_ids if i in names],
        "hr_day": day,
        "mine": await my_next(db, user.id, now=now),
    }
    return render(request, "home/home.html", context)


def local_path(value: object, default: str = "/") -> str:
    """`value` if it is a path on this site, else `default` (no open redirects)."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//"):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or "\\" in value:
        return default
    return value


async def switch_language(request: Request) -> Response:
    form = await request.form()
    code = normalise(str(form.get("language", "")))
    if code:
        request.session[LANGUAGE_KEY] = code
        user = await current_user(request)
        if user is not None:  # signed in: the choice follows them to every device
            choice = PreferencesChoice(locale=code, timezone=user.timezone, digest_opt_in=None)
            await change_preferences(
                app_state(request)["db"], person=user, choice=choice, now=current_time(request)
            )
    return RedirectResponse(local_path(form.get("next")), status_code=303)
