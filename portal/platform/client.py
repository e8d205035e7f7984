"""`PlatformClient`: one injected `httpx.AsyncClient`, one `_request()`, typed results.

Retry policy (platform-api.md, "Errors we handle"):
- Transient errors (`SystemBusy`, `RateLimited`, `PlatformUnavailable`) on GET and PATCH
  (both idempotent) are retried with exponential backoff and jitter, at most
  `max_attempts` tries in total; a `RateLimited` wait is never shorter than its
  `retry_after`.
- POSTs (`create_interview`, `batch_create`) are never retried inline: after a timeout the
  room may exist, so the caller lists (search by candidate name) before creating again.

Logs carry method, path, errcode and timing. Never headers (the API key), never bodies:
answers carry the candidate's and interviewers' personal room links.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

import httpx

from portal.platform.errors import (
    ErrCode,
    InvalidCredentials,
    PlatformError,
    PlatformUnavailable,
    UnexpectedAnswer,
    error_for,
)
from portal.platform.models import (
    MAX_BATCH,
    ROOM_STATUSES,
    BatchCandidate,
    BatchRoom,
    NewRoom,
    Paper,
    Question,
    Room,
    RoomEdit,
    RoomPage,
    batch_rooms_from_json,
    new_room_json,
    papers_from_json,
    questions_from_json,
    room_edit_json,
    room_from_json,
    room_page_from_json,
)

log = logging.getLogger(__name__)

API_BASE = "https://api.showmebug.com"
API_PREFIX = "/open_api/v1/"
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0, pool=5.0)
MAX_PER_PAGE = 100
ERRMSG_LOG_LIMIT = 200

Query = list[tuple[str, str | int | float | bool | None]]  # what httpx takes as params
T = TypeVar("T")

# Failures that happen before a single byte reaches the platform.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Create answers may carry only the documented uid and links; these come from our request.
_ECHOED = ("candidate_name", "type_id", "redirect_uri", "evaluation_link", "resume_link")


class Auth(Protocol):
    """The auth step: the headers that authenticate one request."""

    async def headers(self) -> dict[str, str]: ...


class ApiKeyAuth:
    """A static API key sent as a bearer token (PLATFORM_API_KEY).

    The platform's real scheme may become a token fetched from client credentials; only
    this object changes then.
    """

    def __init__(self, api_key: str) -> None:
        if not api_key:
            raise ValueError("api_key is empty")
        self._api_key = api_key

    def __repr__(self) -> str:
        return "ApiKeyAuth(api_key=***)"

    async def headers(self) -> dict[str, str]:
        """`Authorization: Bearer <key>`."""
        return {"Authorization": f"Bearer {self._api_key}"}


class PlatformClient:
    """An async client for the interview platform's open API (`/open_api/v1/`).

    `api_base` may carry a path prefix (the demo mounts the sandbox at
    `http://host:port/_platform`); `/open_api/v1/…` is appended to it.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        auth: Auth,
        api_base: str = API_BASE,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        max_attempts: int = 3,
        backoff: float = 0.5,
        rng: Callable[[], float] = random.random,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._http = http
        self._auth = auth
        self._base = api_base.rstrip("/") + API_PREFIX
        self._timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self._backoff = backoff
        self._rng = rng
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"PlatformClient(api_base={self._base!r})"

    async def create_interview(self, room: NewRoom) -> Room:
        """Create one interview room (POST interviews); never retried inline.

        Raises `InvalidRequest` for a field the platform refuses, `PlatformUnavailable`
        when the outcome is unknown (the room may exist: list before creating again).
        """
        body = new_room_json(room)
        data = await self._request("POST", "interviews", body=body, retry=False)
        if not isinstance(data, dict):
            raise UnexpectedAnswer("data is not an object", "interviews")
        echoed = {key: body[key] for key in _ECHOED if key in body}
        return _parsed("interviews", lambda: room_from_json({**echoed, **data}))

    async def batch_create(self, candidates: Sequence[BatchCandidate]) -> list[BatchRoom]:
        """Create one room per candidate (POST batch_interviews), 1 to 100; never retried."""
        if not 1 <= len(candidates) <= MAX_BATCH:
            raise ValueError(f"a batch takes 1 to {MAX_BATCH} candidates, got {len(candidates)}")
        body = {"interviews": [{"uid": c.uid, "name": c.name} for c in candidates]}
        data = await self._request("POST", "batch_interviews", body=body, retry=False)
        return _parsed("batch_interviews", lambda: batch_rooms_from_json(data))

    async def edit_interview(self, uid: str, edit: RoomEdit) -> Room:
        """Change a room's type, interviewers or links (PATCH interviews/{uid}); retried.

        Interviewers who stay keep their personal links; removed ones lose theirs.
        Raises `RoomNotFound` when the platform does not know `uid`.
        """
        if not uid:
            raise ValueError("uid is empty")
        path = f"interviews/{quote(uid, safe='')}"
        data = await self._request("PATCH", path, body=room_edit_json(edit), retry=True)
        return _parsed(path, lambda: room_from_json(data))

    async def list_interviews(
        self,
        *,
        search: str | None = None,
        statuses: Sequence[str] = (),
        creator_id: int | None = None,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        page: int = 1,
        per_page: int = 50,
    ) -> RoomPage:
        """One page of rooms, newest first (GET interviews); retried.

        `statuses` go out as repeated `status[]=`; `created_from` / `created_to` (aware
        datetimes) bound the creation time, both ends included.
        """
        params = _page_params(page, per_page)
        if search:
            params.append(("search", search))
        if creator_id is not None:
            params.append(("creator_id", creator_id))
        for status in statuses:
            if status not in ROOM_STATUSES:
                raise ValueError(f"unknown status {status!r}")
            params.append(("status[]", status))
        if created_from is not None:
            params.append(("created_time_start", _unix(created_from)))
        if created_to is not None:
            params.append(("created_time_end", _unix(created_to)))
        data = await self._request("GET", "interviews", params=params, retry=True)
        return _parsed(
            "interviews", lambda: room_page_from_json(data, page=page, per_page=per_page)
        )

    async def papers(self, *, page: int = 1, per_page: int = 50) -> list[Paper]:
        """Prepared papers from the question bank (GET exams); retried."""
        params = _page_params(page, per_page)
        data = await self._request("GET", "exams", params=params, retry=True)
        return _parsed("exams", lambda: papers_from_json(data))

    async def questions(self, *, page: int = 1, per_page: int = 50) -> list[Question]:
        """Single questions from the question bank (GET written_questions); retried."""
        params = _page_params(page, per_page)
        data = await self._request("GET", "written_questions", params=params, retry=True)
        return _parsed("written_questions", lambda: questions_from_json(data))

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Query | None = None,
        body: dict[str, Any] | None = None,
        retry: bool,
    ) -> Any:
        attempt = 1
        while True:
            try:
                return await self._call(method, path, params, body)
            except PlatformError as exc:
                if not (retry and exc.transient) or attempt >= self.max_attempts:
                    raise
                delay = self._backoff * 2 ** (attempt - 1) * (0.5 + self._rng())
                delay = max(delay, exc.retry_after or 0.0)
                log.info(
                    "platform %s %s: %s; retry %d in %.2fs",
                    method,
                    path,
                    _kind(exc),
                    attempt,
                    delay,
                )
                attempt += 1
                await self._sleep(delay)

    async def _call(
        self, method: str, path: str, params: Query | None, body: dict[str, Any] | None
    ) -> Any:
        headers = {"Accept": "application/json", **await self._auth.headers()}
        content = None
        if body is not None:
            content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json; charset=utf-8"
        started = time.perf_counter()
        try:
            response = await self._http.request(
                method,
                self._base + path,
                params=params,
                content=content,
                headers=headers,
                timeout=self._timeout,
            )
        except httpx.RequestError as exc:
            sent = not isinstance(exc, _NOT_SENT)
            log.warning("platform %s %s failed: %s", method, path, type(exc).__name__)
            raise PlatformUnavailable(type(exc).__name__, path, request_sent=sent) from exc
        elapsed = (time.perf_counter() - started) * 1000
        envelope = _envelope(response, path)
        errcode = envelope["errcode"]
        log.debug("platform %s %s -> errcode %s in %.0f ms", method, path, errcode, elapsed)
        if errcode != 0:
            errmsg = str(envelope.get("errmsg", ""))
            log.warning(
                "platform %s %s -> errcode %s: %s",
                method,
                path,
                errcode,
                errmsg[:ERRMSG_LOG_LIMIT],
            )
            raise error_for(errcode, errmsg, path)
        return envelope.get("data")


def _envelope(response: httpx.Response, path: str) -> dict[str, Any]:
    """The `{errcode, errmsg, data}` answer; errcode is read before the HTTP status."""
    status = response.status_code
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or not _is_errcode(answer.get("errcode")):
        log.warning("platform %s -> HTTP %d without an envelope", path, status)
        if status == 401:
            raise InvalidCredentials(ErrCode.INVALID_CREDENTIALS, "HTTP 401", path)
        reason = "answer is not a JSON envelope" if status == 200 else f"HTTP {status}"
        raise PlatformUnavailable(reason, path, status_code=status)
    if answer["errcode"] == 0 and not response.is_success:
        raise PlatformUnavailable(f"HTTP {status}", path, status_code=status)
    return answer


def _is_errcode(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parsed(path: str, parse: Callable[[], T]) -> T:
    try:
        return parse()
    except ValueError as exc:
        raise UnexpectedAnswer(str(exc), path) from exc


def _page_params(page: int, per_page: int) -> Query:
    if page < 1:
        raise ValueError("page starts at 1")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be 1 to {MAX_PER_PAGE}")
    return [("page", page), ("per_page", per_page)]


def _unix(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("created_from / created_to must be timezone-aware")
    return int(moment.timestamp())


def _kind(exc: PlatformError) -> str:
    return f"errcode {exc.errcode}" if exc.errcode is not None else exc.errmsg
