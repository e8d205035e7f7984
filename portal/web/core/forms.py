"""What every form page shares: reading picked ids, translating refusals, and where to go next."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.interviews.service import BookingPolicy
from portal.scheduling import BookingConflict, DomainError, ValidationFailed
from portal.scheduling.fields import parse_id
from portal.scheduling.rooms import ROOM_KIND_LABELS
from portal.web.core.htmx import HtmxDetails, hx_redirect
from portal.web.core.rendering import translate
from portal.web.core.state import app_state

COMMON_ZONES = (
    "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo",
    "Asia/Kolkata", "Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago",
    "America/Los_Angeles", "Australia/Sydney", "UTC",
)  # fmt: skip


def booking_policy(request: Request) -> BookingPolicy:
    """The deployment's booking rules (buffer, working-hours defaults, platform rooms)."""
    return BookingPolicy.from_settings(app_state(request)["settings"])


@dataclass(frozen=True)
class KindOption:
    value: str
    label: str


def room_kinds(request: Request) -> dict[str, Any]:
    """The room choices a position or interview form offers, and whether a platform is set."""
    options = [
        KindOption(kind.value, translate(request, label))
        for kind, label in ROOM_KIND_LABELS.items()
    ]
    return {
        "room_kind_options": options,
        "platform_rooms": app_state(request)["settings"].platform is not None,
    }


def picked_ids(raw: Iterable[object]) -> list[int]:
    """The interviewer ids among `raw` (a form's values), ignoring anything that is not one."""
    values = [str(v).strip() for v in raw]
    ids = [number for v in values if (number := parse_id(v)) is not None]
    return list(dict.fromkeys(ids))


def error_texts(request: Request, exc: DomainError) -> dict[str, str]:
    """Field name -> translated message (a non-field refusal is shown at the top)."""
    if isinstance(exc, ValidationFailed):
        return {
            name: translate(request, message, **exc.error_params.get(name, {}))
            for name, message in exc.errors.items()
        }
    if isinstance(exc, BookingConflict):
        return {}
    return {"form": translate(request, exc.message, **exc.params)}


def after_post(request: Request, url: str) -> Response:
    """Where a saved form goes next: htmx is told to navigate, a plain form is redirected."""
    if HtmxDetails.of(request).request:
        return hx_redirect(Response(status_code=204), url)
    return RedirectResponse(url, status_code=303)
