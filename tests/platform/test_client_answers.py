"""Answers the sandbox never gives, played by a fake transport: how the client reads them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from portal.platform import (
    ApiKeyAuth,
    Interviewer,
    InvalidRequest,
    NewRoom,
    PlatformClient,
    PlatformUnavailable,
    UnexpectedAnswer,
)

ROOM = NewRoom("王五", [Interviewer("zhangwei", "张伟", email="zhangwei@example.com")])
Answer = Callable[[httpx.Request], httpx.Response]


def client_for(answer: Answer, seen: list[httpx.Request] | None = None) -> PlatformClient:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return answer(request)

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return PlatformClient(
        http, auth=ApiKeyAuth("k-123"), api_base="https://smb.example/_platform/", max_attempts=1
    )


def envelope(data: Any, errcode: int = 0, status: int = 200) -> Answer:
    return lambda request: httpx.Response(
        status, json={"errcode": errcode, "errmsg": "ok" if not errcode else "no", "data": data}
    )


async def test_request_shape_prefix_bearer_and_utf8_body() -> None:
    seen: list[httpx.Request] = []
    data = {"uid": "AB12CD34", "candidate_url": "https://smb.example/c/1"}
    client = client_for(envelope(data), seen)
    room = await client.create_interview(ROOM)
    request = seen[0]
    assert str(request.url) == "https://smb.example/_platform/open_api/v1/interviews"
    assert request.headers["authorization"] == "Bearer k-123"
    assert "王五".encode() in request.content and b"\\u" not in request.content
    # the documented create answer carries only uid and links: the rest comes from the request
    assert (room.candidate_name, room.type_id, room.interviewer_url) == ("王五", 1, None)


async def test_list_sends_status_array_as_repeated_params() -> None:
    seen: list[httpx.Request] = []
    client = client_for(envelope({"interviews": [], "page": 1, "per_page": 50, "total": 0}), seen)
    await client.list_interviews(statuses=["interview_opened", "interview_ended"], search="王")
    params = seen[0].url.params
    assert params.get_list("status[]") == ["interview_opened", "interview_ended"]
    assert params["search"] == "王"


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"candidate_url": "https://smb.example/c/1"},
        {"uid": 12, "candidate_url": "https://smb.example/c/1"},
        {"uid": "AB", "candidate_url": "https://smb.example/c/1", "interviewer_urls": "x"},
    ],
)
async def test_malformed_data_raises_unexpected_answer(data: Any) -> None:
    with pytest.raises(UnexpectedAnswer) as caught:
        await client_for(envelope(data)).create_interview(ROOM)
    assert not caught.value.transient and caught.value.path == "interviews"


async def test_list_without_interviews_raises_unexpected_answer() -> None:
    with pytest.raises(UnexpectedAnswer, match="interviews"):
        await client_for(envelope({"total": 0})).list_interviews()


@pytest.mark.parametrize(
    "answer",
    [
        lambda r: httpx.Response(200, text="<html>maintenance</html>"),
        lambda r: httpx.Response(200, json=["not", "an", "envelope"]),
        lambda r: httpx.Response(200, json={"errmsg": "no errcode"}),
        lambda r: httpx.Response(502, text="Bad gateway"),
        lambda r: httpx.Response(500, json={"errcode": 0, "errmsg": "ok", "data": {}}),
    ],
)
async def test_non_envelope_or_5xx_raises_platform_unavailable(answer: Answer) -> None:
    with pytest.raises(PlatformUnavailable) as caught:
        await client_for(answer).papers()
    assert caught.value.transient


async def test_errcode_is_read_before_http_status() -> None:
    with pytest.raises(InvalidRequest):
        await client_for(envelope(None, errcode=10003, status=400)).papers()


async def test_api_key_auth_hides_key_in_repr() -> None:
    auth = ApiKeyAuth("k-secret")
    assert "k-secret" not in repr(auth)
    assert await auth.headers() == {"Authorization": "Bearer k-secret"}
    with pytest.raises(ValueError):
        ApiKeyAuth("")


async def test_papers_reads_exams_list() -> None:
    data = {"exams": [{"uid": "P1", "title": "Go", "question_count": 4}], "total": 1}
    papers = await client_for(envelope(data)).papers()
    assert [(p.uid, p.title, p.question_count) for p in papers] == [("P1", "Go", 4)]
