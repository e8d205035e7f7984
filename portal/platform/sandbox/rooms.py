"""Room pages: one per link, showing who you are and the room's state, with Start and End.

The first visit through any valid link opens the room (interview_opened). Interviewers (a
personal or the shared link) start it, then end it with a 1-5 rating; the candidate only
watches. The forms need no CSRF token (a stand-in), but are validated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from ..models import ENDED, OPENED, RATINGS, STARTED
from .i18n import LABELS, pick_lang, with_lang
from .state import CANDIDATE, OBSERVER, EventRefused, Link, Room, path_for, sandbox_of

TEMPLATE_DIR = Path(__file__).resolve().parents[3] / "templates" / "platform_sandbox"
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)
# Room URLs are secrets: keep them out of Referer headers sent to résumé or portal links.
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def build_templates() -> Jinja2Templates:
    """The sandbox's own Jinja environment: autoescape on, undefined names fail."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return Jinja2Templates(env=env)


def _render(
    request: Request, name: str, lang: str, context: dict[str, Any], status: int = 200
) -> Response:
    """Render a page with the labels, the stylesheet and the language switch it needs."""
    templates: Jinja2Templates = request.app.state.platform_templates
    token = request.path_params.get("token")
    here = path_for(request, "room", token=token) if token else path_for(request, "home")
    page = {
        "t": LABELS[lang],
        "lang": lang,
        "css_url": path_for(request, "platform-css"),
        "switch_url": with_lang(here, "en" if lang == "zh" else "zh"),
        **context,
    }
    return templates.TemplateResponse(request, name, page, status_code=status, headers=PAGE_HEADERS)


def _http_link(url: str | None) -> str:
    """Only http(s) links reach an href."""
    return url if url and url.lower().startswith(("http://", "https://")) else ""


def _who(room: Room, link: Link, token: str, lang: str) -> str:
    if link.role == CANDIDATE:
        return room.spec.candidate_name
    if link.role == OBSERVER:
        return LABELS[lang]["observer"]
    seat = room.seat_for(token)
    return seat.name if seat else ""


def _interviewer_extras(room: Room, lang: str) -> dict[str, Any]:
    """What only interviewers see: the panel, the résumé / evaluation links, the way back."""
    t, spec = LABELS[lang], room.spec
    links = [("resume", spec.resume_link), ("evaluation", spec.evaluation_link)]
    return {
        "interviewers": [s.name for s in room.seats],
        "links": [{"label": t[k], "url": _http_link(u)} for k, u in links if _http_link(u)],
        "continue_url": _http_link(spec.redirect_uri) if room.status == ENDED else "",
    }


_NOTICES = {None: "waiting", OPENED: "waiting", STARTED: "in_progress", ENDED: "finished"}
_INTERVIEWER_NOTICES = {None: "ready", OPENED: "ready", STARTED: "running", ENDED: "finished"}
_NO_EXTRAS: dict[str, Any] = {"interviewers": [], "links": [], "continue_url": ""}


def room_view(room: Room, link: Link, token: str, request: Request, lang: str) -> dict[str, Any]:
    """Everything room.html shows; the template only renders it."""
    t = LABELS[lang]
    interviewer = link.role != CANDIDATE
    return {
        "role_label": t[link.role],
        "who": _who(room, link, token, lang),
        "uid": room.uid,
        "candidate_name": room.spec.candidate_name,
        "type_label": t.get(f"type_{room.spec.type_id}", str(room.spec.type_id)),
        "status_label": t[f"status_{room.status or 'none'}"],
        "status_class": (room.status or "none").removeprefix("interview_"),
        "rate": "" if room.rate is None else str(room.rate),
        "notice": t[(_INTERVIEWER_NOTICES if interviewer else _NOTICES)[room.status]],
        "can_start": interviewer and room.status in (None, OPENED),
        "can_end": interviewer and room.status == STARTED,
        "start_url": path_for(request, "room-start", token=token),
        "end_url": path_for(request, "room-end", token=token),
        "ratings": list(RATINGS),
        "error": "",
        **(_interviewer_extras(room, lang) if interviewer else _NO_EXTRAS),
    }


def _gone(request: Request, lang: str, reason: str) -> Response:
    t = LABELS[lang]
    context = {"title": t[f"{reason}_title"], "message": t[reason]}
    return _render(request, "gone.html", lang, context, 404)


def _holder(request: Request) -> tuple[Room, Link] | str:
    """The room and link behind the path's token, or why there is none."""
    token = request.path_params["token"]
    found = sandbox_of(request).resolve(token)
    if found is None:
        return "not_found"
    seat = found[0].seat_for(token)
    return "revoked" if seat is not None and seat.revoked else found


async def room_page(request: Request) -> Response:
    """GET /room/{token}: the room as this link's holder sees it; the first visit opens it."""
    lang = pick_lang(request.query_params)
    holder = _holder(request)
    if isinstance(holder, str):
        return _gone(request, lang, holder)
    room, link = holder
    if room.status is None:
        sandbox_of(request).fire(room, OPENED, forced=False)
    token = request.path_params["token"]
    return _render(request, "room.html", lang, room_view(room, link, token, request, lang))


def _rating(form: FormData) -> int | None:
    raw = form.get("rate")
    if isinstance(raw, str) and raw.isdigit() and int(raw) in RATINGS:
        return int(raw)
    return None


def _refusal(
    request: Request, room: Room, link: Link, event: str, form: FormData
) -> tuple[str, int]:
    """Apply a Start or End press; return ("", 200) or (label key, HTTP status)."""
    if link.role == CANDIDATE:
        return "candidate_cannot", 403
    rate = _rating(form) if event == ENDED else None
    if event == ENDED and rate is None:
        return "bad_rating", 400
    try:
        sandbox_of(request).fire(room, event, rate, forced=False)
    except EventRefused as exc:
        return exc.code, 409
    return "", 200


async def _act(request: Request, event: str) -> Response:
    form = await request.form()
    lang = pick_lang({"lang": str(form.get("lang") or request.query_params.get("lang", ""))})
    holder = _holder(request)
    if isinstance(holder, str):
        return _gone(request, lang, holder)
    room, link = holder
    token = request.path_params["token"]
    error, status = _refusal(request, room, link, event, form)
    if not error:
        target = with_lang(path_for(request, "room", token=token), lang)
        return RedirectResponse(target, status_code=303)
    view = room_view(room, link, token, request, lang) | {"error": LABELS[lang][error]}
    return _render(request, "room.html", lang, view, status)


async def start(request: Request) -> Response:
    """POST /room/{token}/start: an interviewer starts the interview."""
    return await _act(request, STARTED)


async def end(request: Request) -> Response:
    """POST /room/{token}/end {rate}: an interviewer ends it with a 1-5 rating."""
    return await _act(request, ENDED)


async def index(request: Request) -> Response:
    """The sandbox root: every room with its links (a stand-in's convenience)."""
    lang = pick_lang(request.query_params)
    rooms = [
        {
            "uid": room.uid,
            "candidate_name": room.spec.candidate_name,
            "status_label": LABELS[lang][f"status_{room.status or 'none'}"],
            "candidate_url": with_lang(room.candidate_url, lang),
            "shared_url": with_lang(room.interviewer_url, lang),
            "seats": [{"name": s.name, "url": with_lang(s.url, lang)} for s in room.seats],
        }
        for room in reversed(list(sandbox_of(request).rooms.values()))
    ]
    return _render(request, "index.html", lang, {"rooms": rooms})


routes = [
    Route("/", index, name="home"),
    Route("/room/{token}", room_page, name="room"),
    Route("/room/{token}/start", start, methods=["POST"], name="room-start"),
    Route("/room/{token}/end", end, methods=["POST"], name="room-end"),
]
