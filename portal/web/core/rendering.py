"""Render a page or, for an htmx request, just its fragment, with the shared context."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from portal.i18n import LANGUAGE_NAMES, Language
from portal.web.core.csrf import csrf_token
from portal.web.core.htmx import HtmxDetails, vary_on_htmx
from portal.web.core.language import choose_language
from portal.web.core.navigation import nav_items
from portal.web.core.state import app_state, request_cache

# htmx 2 swaps nothing on 4xx by default; 422 carries a re-rendered form, so swap it.
HTMX_CONFIG = json.dumps(
    {
        "includeIndicatorStyles": False,
        "allowEval": False,
        "allowScriptTags": False,
        "selfRequestsOnly": True,
        "responseHandling": [
            {"code": "204", "swap": False},
            {"code": "[23]..", "swap": True},
            {"code": "422", "swap": True},
            {"code": "[45]..", "swap": False, "error": True},
        ],
    },
    separators=(",", ":"),
)


def language_of(request: Request) -> Language:
    """The request's language, chosen once and remembered on the request."""
    cache = request_cache(request)
    if "language" not in cache:
        preferred = getattr(cache.get("user"), "locale", None)
        cache["language"] = choose_language(request, app_state(request)["catalogs"], preferred)
    language: Language = cache["language"]
    return language


def viewer_timezone(request: Request) -> str:
    zone = getattr(request_cache(request).get("user"), "timezone", None)
    return zone if isinstance(zone, str) and zone else app_state(request)["settings"].timezone


def base_context(request: Request) -> dict[str, Any]:
    language = language_of(request)
    settings = app_state(request)["settings"]
    return {
        "language": language,
        "lang": language.code,
        "languages": LANGUAGE_NAMES,
        "csrf_token": csrf_token(request),
        "viewer_timezone": viewer_timezone(request),
        "user": request_cache(request).get("user"),
        "demo": settings.demo,
        "sandbox_mount": settings.sandbox_mount,
        "company_name": settings.company_name,  # candidate pages carry it, not the portal's
        "htmx_config": HTMX_CONFIG,
        "current_path": request.url.path,
        "nav": nav_items(request, language),
    }


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    fragment: str | None = None,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The full page, or `fragment` alone when htmx asked for a swap."""
    name = fragment if fragment and HtmxDetails.of(request).wants_fragment else template
    merged = base_context(request) | dict(context or {})
    response = app_state(request)["templates"].TemplateResponse(
        request, name, merged, status_code=status, headers=headers
    )
    return vary_on_htmx(response)


def translate(request: Request, message: str, **params: object) -> str:
    return language_of(request).gettext(message, **params)
