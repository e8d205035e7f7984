"""The /open_api/v1 endpoints: stats, faults, API key, JSON body, validation, then the call.

Errors answer HTTP 200 with an errcode, as the platform does, except a missing or wrong API
key (HTTP 401, errcode 10001). A delay fault delays the answer, not the work: a client
that times out may find the room already made. Body and query validation sit at the
bottom of this module.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..errors import ErrCode
from ..models import MAX_BATCH, ROOM_STATUSES, TYPE_IDS
from .config import PAPERS, QUESTIONS
from .faults import Fault
from .state import RoomFilter, RoomSpec, SandboxState, SeatSpec, path_for, sandbox_of

PREFIX = "/open_api/v1"
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 50
MAX_NAME = 100
MAX_UID = 64
MAX_URL = 2048
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_PHONE = re.compile(r"\+?[0-9][0-9 -]{4,19}")
_LINK_FIELDS = ("resume_link", "evaluation_link", "redirect_uri")


class ApiError(Exception):
    """An errcode answer raised by an endpoint handler."""

    def __init__(self, errcode: int, errmsg: str, status: int = 200) -> None:
        super().__init__(errcode, errmsg)
        self.errcode = errcode
        self.errmsg = errmsg
        self.status = status

    def response(self) -> Response:
        body = {"errcode": self.errcode, "errmsg": self.errmsg, "data": None}
        return JSONResponse(body, status_code=self.status)


def invalid(errmsg: str) -> ApiError:
    """10003: a field the platform refuses."""
    return ApiError(ErrCode.INVALID_REQUEST, errmsg)


@dataclass
class ApiCall:
    """What an endpoint handler sees (key checked, body parsed)."""

    state: SandboxState
    request: Request
    body: dict[str, Any]

    def link(self, token: str) -> str:
        """The absolute URL of a room page for a link token."""
        base = self.state.config.public_base
        if base:
            return base.rstrip("/") + str(self.request.app.router.url_path_for("room", token=token))
        url = self.request.url
        return f"{url.scheme}://{url.netloc}{path_for(self.request, 'room', token=token)}"


Handler = Callable[[ApiCall], dict[str, Any]]


def _authenticate(request: Request, state: SandboxState) -> None:
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key:
        raise ApiError(ErrCode.INVALID_CREDENTIALS, "missing api key (Authorization: Bearer)", 401)
    if not hmac.compare_digest(key.strip().encode(), state.config.api_key.encode()):
        raise ApiError(ErrCode.INVALID_CREDENTIALS, "invalid api key", 401)


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError as exc:
        raise invalid("body is not JSON") from exc
    if not isinstance(body, dict):
        raise invalid("body must be a JSON object")
    return body


def _faulted(fault: Fault | None) -> Response | None:
    if fault is None:
        return None
    if fault.http_status is not None:
        return PlainTextResponse(f"{fault.http_status} injected by sandbox", fault.http_status)
    if fault.errcode is not None:
        return ApiError(fault.errcode, "error injected by sandbox").response()
    return None


def endpoint(
    name: str, handler: Handler, *, body: bool
) -> Callable[[Request], Awaitable[Response]]:
    """A route endpoint that counts, applies faults, checks the key and runs `handler`."""

    async def handle(request: Request) -> Response:
        state = sandbox_of(request)
        state.calls[name] += 1
        fault = state.faults.pick(name)
        if fault is not None:
            state.counters["faults_applied"] += 1
        extra = fault.delay_s if fault is not None and fault.delay_s else 0.0
        delay = state.config.latency_s + extra
        response = _faulted(fault)
        if response is None:
            try:
                _authenticate(request, state)
                call = ApiCall(state, request, await _body(request) if body else {})
                response = JSONResponse({"errcode": 0, "errmsg": "ok", "data": handler(call)})
            except ApiError as exc:
                response = exc.response()
        if delay > 0:
            await asyncio.sleep(delay)
        return response

    handle.__name__ = name.replace(":", "_")
    return handle


# --- handlers -------------------------------------------------------------------------------


def create(call: ApiCall) -> dict[str, Any]:
    """POST interviews."""
    spec = room_spec(call.body, call.state.config.max_interviewers)
    return call.state.create_room(spec, call.link).api_json()


def edit(call: ApiCall) -> dict[str, Any]:
    """PATCH interviews/{uid}: type, interviewers, links; interviewers who stay keep links."""
    uid = call.request.path_params["uid"]
    room = call.state.rooms.get(uid)
    if room is None:
        raise ApiError(ErrCode.ROOM_NOT_FOUND, f"no interview with uid {uid}")
    changes, seats = room_edit(call.body, call.state.config.max_interviewers)
    for key, value in changes.items():
        setattr(room.spec, key, value)
    if seats is not None:
        call.state.replace_seats(room, seats, call.link)
    return room.api_json()


def _page(call: ApiCall, key: str, items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    page = query_int(call.request, "page", 1, 1, 10**6)
    per_page = query_int(call.request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    start = (page - 1) * per_page
    return {
        key: list(items[start : start + per_page]),
        "page": page,
        "per_page": per_page,
        "total": len(items),
    }


def list_rooms(call: ApiCall) -> dict[str, Any]:
    """GET interviews: filters search, creator_id, status[] (or status), created_time_*."""
    rooms = call.state.list_rooms(room_filter(call.request))
    return _page(call, "interviews", [r.api_json() for r in rooms])


def batch(call: ApiCall) -> dict[str, Any]:
    """POST batch_interviews: one room per candidate, no interviewers (shared link only)."""
    made = [call.state.create_room(spec, call.link) for spec in batch_specs(call.body)]
    return {
        "interviews": [
            {
                "uid": room.uid,
                "candidate_url": room.candidate_url,
                "interviewer_url": room.interviewer_url,
                "candidate_uid": room.spec.candidate_uid,
                "candidate_name": room.spec.candidate_name,
            }
            for room in made
        ]
    }


def exams(call: ApiCall) -> dict[str, Any]:
    """GET exams: the prepared papers."""
    papers = [{"uid": p.uid, "title": p.title, "question_count": len(p.questions)} for p in PAPERS]
    return _page(call, "exams", papers)


def written_questions(call: ApiCall) -> dict[str, Any]:
    """GET written_questions: single questions."""
    questions = [{"uid": q.uid, "title": q.title, "kind": q.kind} for q in QUESTIONS]
    return _page(call, "written_questions", questions)


async def interviews(request: Request) -> Response:
    """/interviews serves two operations, each with its own name for stats and faults."""
    return await (_create if request.method == "POST" else _list)(request)


async def unknown(request: Request) -> Response:
    """Unknown endpoints fail loudly."""
    return ApiError(
        ErrCode.INVALID_REQUEST, f"no such endpoint: {request.url.path}", 404
    ).response()


_create = endpoint("interviews:create", create, body=True)
_list = endpoint("interviews:list", list_rooms, body=False)

routes = [
    Route(f"{PREFIX}/interviews", interviews, methods=["GET", "POST"], name="api-interviews"),
    Route(
        f"{PREFIX}/interviews/{{uid}}",
        endpoint("interviews:edit", edit, body=True),
        methods=["PATCH"],
        name="api-interview",
    ),
    Route(
        f"{PREFIX}/batch_interviews",
        endpoint("batch_interviews", batch, body=True),
        methods=["POST"],
        name="api-batch",
    ),
    Route(f"{PREFIX}/exams", endpoint("exams", exams, body=False), name="api-exams"),
    Route(
        f"{PREFIX}/written_questions",
        endpoint("written_questions", written_questions, body=False),
        name="api-questions",
    ),
    Route(
        f"{PREFIX}/{{rest:path}}",
        unknown,
        methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
        name="api-unknown",
    ),
]


# --- validation: every refusal is errcode 10003 with the field named ------------------------


def _required(body: dict[str, Any], key: str, *, limit: int) -> str:
    value = body.get(key)
    if value is None:
        raise invalid(f"{key} is required")
    if not isinstance(value, str) or not value.strip():
        raise invalid(f"{key} must be a non-empty string")
    if len(value) > limit:
        raise invalid(f"{key} is longer than {limit} characters")
    return value.strip()


def _text(body: dict[str, Any], key: str, *, limit: int) -> str | None:
    return None if body.get(key) is None else _required(body, key, limit=limit)


def _link(body: dict[str, Any], key: str) -> str | None:
    value = _text(body, key, limit=MAX_URL)
    if value is not None and not re.match(r"https?://[^\s/]+", value):
        raise invalid(f"{key} must be an absolute http(s) URL")
    return value


def _type_id(body: dict[str, Any]) -> int:
    value = body.get("type_id", TYPE_IDS[0])
    if isinstance(value, bool) or value not in TYPE_IDS:
        raise invalid("type_id must be 1 (technical) or 2 (non-technical)")
    return int(value)


def _pad(body: dict[str, Any]) -> str | None:
    pad = _text(body, "written_pad_uid", limit=MAX_UID)
    if pad is not None and pad not in {p.uid for p in PAPERS}:
        raise invalid(f"written_pad_uid {pad} is not a paper in the question bank")
    return pad


def _seat(item: Any, where: str) -> SeatSpec:
    if not isinstance(item, dict):
        raise invalid(f"{where} must be an object")
    fields = {key: item.get(key) for key in ("uid", "name", "email", "phone")}
    uid = _required(fields, "uid", limit=MAX_UID)
    name = _required(fields, "name", limit=MAX_NAME)
    email = _text(fields, "email", limit=MAX_NAME)
    phone = _text(fields, "phone", limit=32)
    if email is None and phone is None:
        raise invalid(f"{where} needs a phone or an email")
    if email is not None and not _EMAIL.fullmatch(email):
        raise invalid(f"{where}.email is not an email address")
    if phone is not None and not _PHONE.fullmatch(phone):
        raise invalid(f"{where}.phone is not a phone number")
    return SeatSpec(uid, name, email, phone)


def seats(value: Any, limit: int) -> list[SeatSpec]:
    """A validated interviewer list: 1..limit, each uid once."""
    if not isinstance(value, list) or not 1 <= len(value) <= limit:
        raise invalid(f"interviewers must be a list of 1 to {limit}")
    chosen = [_seat(item, f"interviewers[{n}]") for n, item in enumerate(value)]
    if len({s.uid for s in chosen}) != len(chosen):
        raise invalid("interviewer uids must be unique within a room")
    return chosen


def room_spec(body: dict[str, Any], max_interviewers: int) -> RoomSpec:
    """A validated POST interviews body (`expire_in` is accepted and ignored)."""
    name = _required(body, "candidate_name", limit=MAX_NAME)
    creator = body.get("user_id")
    if creator is not None and (isinstance(creator, bool) or not isinstance(creator, int)):
        raise invalid("user_id must be an integer")
    return RoomSpec(
        candidate_name=name,
        seats=seats(body.get("interviewers"), max_interviewers),
        type_id=_type_id(body),
        creator_id=creator,
        written_pad_uid=_pad(body),
        resume_link=_link(body, "resume_link"),
        evaluation_link=_link(body, "evaluation_link"),
        redirect_uri=_link(body, "redirect_uri"),
    )


def room_edit(
    body: dict[str, Any], max_interviewers: int
) -> tuple[dict[str, Any], list[SeatSpec] | None]:
    """A validated PATCH body: (spec fields to change, new interviewers or None)."""
    changes: dict[str, Any] = {key: _link(body, key) for key in _LINK_FIELDS if key in body}
    if "type_id" in body:
        changes["type_id"] = _type_id(body)
    if "written_pad_uid" in body:
        changes["written_pad_uid"] = _pad(body)
    if "interviewers" not in body:
        return changes, None
    return changes, seats(body["interviewers"], max_interviewers)


def batch_specs(body: dict[str, Any]) -> list[RoomSpec]:
    """A validated POST batch_interviews body: `interviews: [{uid, name}]`, 1 to 100."""
    entries = body.get("interviews")
    if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_BATCH:
        raise invalid(f"interviews must be a list of 1 to {MAX_BATCH} candidates")
    specs = []
    for n, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise invalid(f"interviews[{n}] must be an object")
        uid = _required(entry, "uid", limit=MAX_UID)
        name = _required(entry, "name", limit=MAX_NAME)
        specs.append(RoomSpec(candidate_name=name, candidate_uid=uid))
    if len({s.candidate_uid for s in specs}) != len(specs):
        raise invalid("candidate uids must be unique within a batch")
    return specs


def query_int(request: Request, key: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within [low, high]."""
    raw = request.query_params.get(key)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"-?[0-9]{1,12}", raw) or not low <= int(raw) <= high:
        raise invalid(f"{key} must be an integer from {low} to {high}")
    return int(raw)


def _optional_query_int(request: Request, key: str) -> int | None:
    if not request.query_params.get(key):
        return None
    return query_int(request, key, 0, 0, 2**53)


def room_filter(request: Request) -> RoomFilter:
    """The list filters; `status[]=` may repeat (plain `status=` is accepted too)."""
    query = request.query_params
    statuses = tuple(query.getlist("status[]") + query.getlist("status"))
    for status in statuses:
        if status not in ROOM_STATUSES:
            raise invalid(f"status must be one of {', '.join(ROOM_STATUSES)}")
    return RoomFilter(
        search=query.get("search") or None,
        creator_id=_optional_query_int(request, "creator_id"),
        statuses=statuses,
        created_start=_optional_query_int(request, "created_time_start"),
        created_end=_optional_query_int(request, "created_time_end"),
    )
