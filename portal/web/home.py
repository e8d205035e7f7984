"""The landing page and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.db.departments import department_names
from portal.db.people import set_preferences
from portal.i18n import normalise
from portal.web.access import Access, current_user
from portal.web.language import SESSION_KEY as LANGUAGE_KEY
from portal.web.navigation import ROLE_LABELS
from portal.web.rendering import render, translate
from portal.web.routing import route
from portal.web.state import app_state


async def landing(request: Request) -> Response:
    user = await current_user(request)
    if user is None:
        return render(request, "home/landing.html")
    names = await department_names(app_state(request)["db"])
    return render(
        request,
        "home/home.html",
        {
            "role_label": translate(request, ROLE_LABELS[user.role]),
            "department_names": [names[i] for i in user.department_ids if i in names],
        },
    )


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
            await set_preferences(app_state(request)["db"], user.id, locale=code)
    return RedirectResponse(local_path(form.get("next")), status_code=303)


routes = [
    route("/", landing, name="home:landing", access=Access.PUBLIC),
    route(
        "/language", switch_language, name="home:language", access=Access.PUBLIC, methods=["POST"]
    ),
]
