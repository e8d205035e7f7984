"""One explicit Jinja2 environment: autoescape, StrictUndefined, i18n, Babel date filters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.templating import Jinja2Templates

from portal.i18n import Language

TEMPLATES_DIR = Path(__file__).resolve().parents[3] / "templates"
STATIC_DIR = Path(__file__).resolve().parents[3] / "static"


def _language(context: Context) -> Language:
    language: Language = context["language"]
    return language


@pass_context
def _gettext(context: Context, message: str) -> str:
    return _language(context).translations.gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return _language(context).translations.ngettext(singular, plural, n)


def _viewer_zone(context: Context) -> ZoneInfo:
    return ZoneInfo(context["viewer_timezone"])


@pass_context
def _format_datetime(context: Context, value: datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(
        value, fmt, tzinfo=_viewer_zone(context), locale=_language(context).babel_locale
    )


@pass_context
def _format_date(context: Context, value: datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    local = value.astimezone(_viewer_zone(context))
    return format_date(local.date(), fmt, locale=_language(context).babel_locale)


@pass_context
def _format_day(context: Context, value: date | None) -> str:
    """A calendar day as a short column label: "Wed, Dec 2" / "12月2日周三"."""
    if value is None:
        return ""
    return format_skeleton("MMMEd", value, locale=_language(context).babel_locale)


@pass_context
def _format_time(context: Context, value: datetime | None, fmt: str = "short") -> str:
    if value is None:
        return ""
    return format_time(
        value, fmt, tzinfo=_viewer_zone(context), locale=_language(context).babel_locale
    )


@pass_context
def _url_for(context: Context, name: str, /, **path_params: object) -> str:
    """A path, never an absolute URL: links must not depend on the Host header."""
    request = context["request"]
    return str(request.url_for(name, **path_params).path)


def _plain_static(path: str) -> str:
    return "/static/" + path


def build_environment(
    templates_dir: Path = TEMPLATES_DIR, static: Callable[[str], str] = _plain_static
) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # newstyle gettext: `_("Hello %(name)s", name=x)` escapes and formats safely.
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["url_for"] = _url_for
    # The hashed, cache-forever URL of a static file (`portal.web.core.assets`).
    env.globals["static"] = static
    env.filters["datetime"] = _format_datetime
    env.filters["date"] = _format_date
    env.filters["time"] = _format_time
    env.filters["day"] = _format_day
    return env


def build_templates(
    templates_dir: Path = TEMPLATES_DIR, static: Callable[[str], str] = _plain_static
) -> Jinja2Templates:
    """`static` gives a static file's URL; the app passes the hashed one (`Assets.url`)."""
    return Jinja2Templates(env=build_environment(templates_dir, static))
