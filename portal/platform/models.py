"""Typed values the client sends and returns, and their translation to and from the JSON.

Field names follow the platform's documentation (platform-api.md); where it is silent the
shape is ours and the sandbox answers the same. Parsing is strict about what the portal
relies on (uid, links, statuses, ratings) and lenient about what it can default; a parser
raises `ValueError` naming the field, which the client turns into `UnexpectedAnswer`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

TECHNICAL = 1
NON_TECHNICAL = 2
TYPE_IDS = (TECHNICAL, NON_TECHNICAL)

OPENED = "interview_opened"
STARTED = "interview_started"
ENDED = "interview_ended"
ROOM_STATUSES = (OPENED, STARTED, ENDED)

MAX_INTERVIEWERS = 5
MAX_BATCH = 100
RATINGS = range(1, 6)


@dataclass(frozen=True, slots=True)
class Interviewer:
    """One interviewer as the platform knows them; `uid` is our id (the WeCom userid)."""

    uid: str
    name: str
    email: str | None = None
    phone: str | None = None


def _check_interviewers(interviewers: Sequence[Interviewer]) -> tuple[Interviewer, ...]:
    chosen = tuple(interviewers)
    if not 1 <= len(chosen) <= MAX_INTERVIEWERS:
        raise ValueError(f"a room takes 1 to {MAX_INTERVIEWERS} interviewers, got {len(chosen)}")
    return chosen


@dataclass(frozen=True, slots=True)
class NewRoom:
    """What `create_interview` sends; 1 to 5 interviewers (ValueError otherwise)."""

    candidate_name: str
    interviewers: Sequence[Interviewer]
    type_id: int = TECHNICAL
    written_pad_uid: str | None = None
    resume_link: str | None = None
    evaluation_link: str | None = None
    redirect_uri: str | None = None
    user_id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "interviewers", _check_interviewers(self.interviewers))


@dataclass(frozen=True, slots=True)
class RoomEdit:
    """A PATCH: only the fields that are not None are sent."""

    type_id: int | None = None
    interviewers: Sequence[Interviewer] | None = None
    resume_link: str | None = None
    evaluation_link: str | None = None
    redirect_uri: str | None = None
    written_pad_uid: str | None = None

    def __post_init__(self) -> None:
        if self.interviewers is not None:
            object.__setattr__(self, "interviewers", _check_interviewers(self.interviewers))


@dataclass(frozen=True, slots=True)
class Seat:
    """One interviewer's personal room link."""

    uid: str
    name: str
    interviewer_url: str


@dataclass(frozen=True, slots=True)
class Room:
    """An interview room: `interviewer_url` is the shared (observer) link, `seats` personal ones."""

    uid: str
    candidate_url: str
    interviewer_url: str | None
    seats: tuple[Seat, ...]
    candidate_name: str = ""
    type_id: int = TECHNICAL
    status: str | None = None
    rate: int | None = None
    redirect_uri: str | None = None
    evaluation_link: str | None = None
    resume_link: str | None = None
    created_at: datetime | None = None
    opened_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RoomPage:
    """One page of `list_interviews`."""

    rooms: tuple[Room, ...]
    page: int
    per_page: int
    total: int


@dataclass(frozen=True, slots=True)
class BatchCandidate:
    """A candidate for `batch_create`: our id for them and their name."""

    uid: str
    name: str


@dataclass(frozen=True, slots=True)
class BatchRoom:
    """A room made by `batch_create`, with the candidate it was made for."""

    uid: str
    candidate_url: str
    interviewer_url: str | None
    candidate_uid: str
    candidate_name: str


@dataclass(frozen=True, slots=True)
class Paper:
    """A prepared paper (an "exam") from the question bank; its uid goes in `written_pad_uid`."""

    uid: str
    title: str
    question_count: int


@dataclass(frozen=True, slots=True)
class Question:
    """A question-bank entry; `kind` is choice, essay, programming, video or drawing."""

    uid: str
    title: str
    kind: str


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """A verified, parsed webhook; `uid` is the room, `rate` the overall rating if any."""

    event: str
    ts: int
    tid: str
    uid: str
    rate: int | None
    payload: Mapping[str, Any]


# --- to JSON --------------------------------------------------------------------------------


def interviewer_json(interviewer: Interviewer) -> dict[str, str]:
    """An interviewer as the API takes it (email / phone only when known)."""
    body = {"uid": interviewer.uid, "name": interviewer.name}
    if interviewer.email:
        body["email"] = interviewer.email
    if interviewer.phone:
        body["phone"] = interviewer.phone
    return body


def _links(value: NewRoom | RoomEdit) -> dict[str, Any]:
    fields = {
        "written_pad_uid": value.written_pad_uid,
        "resume_link": value.resume_link,
        "evaluation_link": value.evaluation_link,
        "redirect_uri": value.redirect_uri,
    }
    return {key: item for key, item in fields.items() if item is not None}


def new_room_json(room: NewRoom) -> dict[str, Any]:
    """The POST /interviews body."""
    body: dict[str, Any] = {
        "candidate_name": room.candidate_name,
        "type_id": room.type_id,
        "interviewers": [interviewer_json(i) for i in room.interviewers],
        **_links(room),
    }
    if room.user_id is not None:
        body["user_id"] = room.user_id
    return body


def room_edit_json(edit: RoomEdit) -> dict[str, Any]:
    """The PATCH /interviews/{uid} body: the fields that are set, nothing else."""
    body: dict[str, Any] = _links(edit)
    if edit.type_id is not None:
        body["type_id"] = edit.type_id
    if edit.interviewers is not None:
        body["interviewers"] = [interviewer_json(i) for i in edit.interviewers]
    return body


# --- from JSON ------------------------------------------------------------------------------


class _Fields:
    """Typed reads from one JSON object; every failure is a ValueError naming the field."""

    def __init__(self, value: Any, where: str) -> None:
        if not isinstance(value, Mapping):
            raise ValueError(f"{where} is not an object")
        self._data: Mapping[str, Any] = value
        self._where = where

    def _fail(self, key: str, expected: str) -> ValueError:
        return ValueError(f"{self._where}.{key} must be {expected}")

    def text(self, key: str) -> str:
        value = self._data.get(key)
        if not isinstance(value, str) or not value:
            raise self._fail(key, "a non-empty string")
        return value

    def optional_text(self, key: str, default: str | None = None) -> str | None:
        value = self._data.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self._fail(key, "a string or null")
        return value

    def optional_int(self, key: str) -> int | None:
        value = self._data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, "an integer or null")
        return value

    def integer(self, key: str, default: int) -> int:
        value = self.optional_int(key)
        return default if value is None else value

    def time(self, key: str) -> datetime | None:
        value = self._data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(key, "unix seconds or null")
        return datetime.fromtimestamp(value, UTC)

    def objects(self, key: str, *, required: bool = True) -> list[_Fields]:
        value = self._data.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list):
            raise self._fail(key, "a list")
        return [_Fields(item, f"{self._where}.{key}[{n}]") for n, item in enumerate(value)]


def _seat(fields: _Fields) -> Seat:
    return Seat(
        uid=fields.text("uid"),
        name=fields.optional_text("name") or "",
        interviewer_url=fields.text("interviewer_url"),
    )


def _status(fields: _Fields) -> str | None:
    status = fields.optional_text("status")
    if status is not None and status not in ROOM_STATUSES:
        raise ValueError(f"room status {status!r} is not one of {', '.join(ROOM_STATUSES)}")
    return status


def _rate(fields: _Fields) -> int | None:
    rate = fields.optional_int("rate")
    if rate is not None and rate not in RATINGS:
        raise ValueError(f"room rate {rate} is not 1-5")
    return rate


def room_from_json(data: Any, where: str = "data") -> Room:
    """A Room from the documented create answer, or from our fuller list / PATCH shape."""
    return _room(_Fields(data, where))


def _room(fields: _Fields) -> Room:
    return Room(
        uid=fields.text("uid"),
        candidate_url=fields.text("candidate_url"),
        interviewer_url=fields.optional_text("interviewer_url"),
        seats=tuple(_seat(s) for s in fields.objects("interviewer_urls", required=False)),
        candidate_name=fields.optional_text("candidate_name") or "",
        type_id=fields.integer("type_id", TECHNICAL),
        status=_status(fields),
        rate=_rate(fields),
        redirect_uri=fields.optional_text("redirect_uri"),
        evaluation_link=fields.optional_text("evaluation_link"),
        resume_link=fields.optional_text("resume_link"),
        created_at=fields.time("created_time"),
        opened_at=fields.time("opened_time"),
        started_at=fields.time("started_time"),
        ended_at=fields.time("ended_time"),
    )


def room_page_from_json(data: Any, *, page: int, per_page: int) -> RoomPage:
    """The list answer `{interviews: [...], page, per_page, total}`."""
    fields = _Fields(data, "data")
    rooms = tuple(_room(item) for item in fields.objects("interviews"))
    return RoomPage(
        rooms=rooms,
        page=fields.integer("page", page),
        per_page=fields.integer("per_page", per_page),
        total=fields.integer("total", len(rooms)),
    )


def batch_rooms_from_json(data: Any) -> list[BatchRoom]:
    """The batch answer `{interviews: [{uid, candidate_url, interviewer_url, candidate_uid…}]}`."""
    return [
        BatchRoom(
            uid=item.text("uid"),
            candidate_url=item.text("candidate_url"),
            interviewer_url=item.optional_text("interviewer_url"),
            candidate_uid=item.text("candidate_uid"),
            candidate_name=item.text("candidate_name"),
        )
        for item in _Fields(data, "data").objects("interviews")
    ]


def papers_from_json(data: Any) -> list[Paper]:
    """The exams answer `{exams: [{uid, title, question_count}], …}`."""
    return [
        Paper(
            uid=item.text("uid"),
            title=item.text("title"),
            question_count=item.integer("question_count", 0),
        )
        for item in _Fields(data, "data").objects("exams")
    ]


def questions_from_json(data: Any) -> list[Question]:
    """The written-questions answer `{written_questions: [{uid, title, kind}], …}`."""
    return [
        Question(uid=item.text("uid"), title=item.text("title"), kind=item.text("kind"))
        for item in _Fields(data, "data").objects("written_questions")
    ]
