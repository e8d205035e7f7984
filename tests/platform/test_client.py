"""The client against the sandbox over real HTTP: each call, its typed result, its errors."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import httpx
import pytest

from portal.clock import FrozenClock
from portal.platform import (
    ENDED,
    NON_TECHNICAL,
    OPENED,
    STARTED,
    TECHNICAL,
    BatchCandidate,
    Interviewer,
    InvalidCredentials,
    InvalidRequest,
    NewRoom,
    PlatformClient,
    PlatformError,
    RateLimited,
    RoomEdit,
    RoomNotFound,
    SystemBusy,
)
from tests.support.platform import PlatformControl, demo_client

ZHANG = Interviewer("zhangwei", "张伟", email="zhangwei@example.com")
LI = Interviewer("lina", "李娜", phone="13800000000")
WANG = Interviewer("wangfang", "王芳", email="wangfang@example.com")


def new_room(
    name: str = "王五", interviewers: Sequence[Interviewer] = (ZHANG, LI), **fields: Any
) -> NewRoom:
    return NewRoom(name, interviewers, **fields)


# --- create -------------------------------------------------------------------------------------


async def test_create_interview_returns_room_with_personal_links(
    platform_client: PlatformClient, platform: PlatformControl, clock: FrozenClock
) -> None:
    room = await platform_client.create_interview(
        new_room(redirect_uri="https://portal.example.com/rooms/done", user_id=7)
    )
    assert re.fullmatch(r"[A-Z0-9]{8}", room.uid)
    assert room.candidate_url.startswith(f"{platform.base_url}/room/")
    assert room.interviewer_url and room.interviewer_url != room.candidate_url
    assert [(s.uid, s.name) for s in room.seats] == [("zhangwei", "张伟"), ("lina", "李娜")]
    links = {room.candidate_url, room.interviewer_url, *(s.interviewer_url for s in room.seats)}
    assert len(links) == 4
    assert (room.candidate_name, room.type_id, room.status, room.rate) == (
        "王五",
        TECHNICAL,
        None,
        None,
    )
    assert room.redirect_uri == "https://portal.example.com/rooms/done"
    assert room.created_at == clock.now().replace(microsecond=0)
    stored = platform.room(room.uid)
    assert stored["creator_id"] == 7 and stored["candidate_name"] == "王五"


async def test_create_interview_refused_field_raises_invalid_request(
    platform_client: PlatformClient, platform: PlatformControl
) -> None:
    with pytest.raises(InvalidRequest, match="redirect_uri"):
        await platform_client.create_interview(new_room(redirect_uri="javascript:alert(1)"))
    with pytest.raises(InvalidRequest, match="phone or an email"):
        await platform_client.create_interview(new_room("王五", [Interviewer("x", "无联系方式")]))
    assert platform.rooms() == []


async def test_create_interview_written_pad_must_be_a_paper(
    platform_client: PlatformClient,
) -> None:
    papers = await platform_client.papers()
    room = await platform_client.create_interview(new_room(written_pad_uid=papers[0].uid))
    assert room.uid
    with pytest.raises(InvalidRequest, match="written_pad_uid"):
        await platform_client.create_interview(new_room(written_pad_uid="NOPE"))


# --- edit ---------------------------------------------------------------------------------------


async def test_edit_interview_keeps_staying_links_and_adds_new(
    platform_client: PlatformClient,
) -> None:
    room = await platform_client.create_interview(new_room())
    edited = await platform_client.edit_interview(
        room.uid, RoomEdit(type_id=NON_TECHNICAL, interviewers=[LI, WANG])
    )
    before = {s.uid: s.interviewer_url for s in room.seats}
    after = {s.uid: s.interviewer_url for s in edited.seats}
    assert list(after) == ["lina", "wangfang"]
    assert after["lina"] == before["lina"]
    assert after["wangfang"] not in before.values()
    assert edited.type_id == NON_TECHNICAL
    assert edited.candidate_url == room.candidate_url


async def test_edit_interview_only_sent_fields_change(platform_client: PlatformClient) -> None:
    room = await platform_client.create_interview(
        new_room(resume_link="https://portal.example.com/cv/1")
    )
    edited = await platform_client.edit_interview(
        room.uid, RoomEdit(evaluation_link="https://portal.example.com/eval/1")
    )
    assert edited.resume_link == "https://portal.example.com/cv/1"
    assert edited.evaluation_link == "https://portal.example.com/eval/1"
    assert edited.seats == room.seats


async def test_edit_interview_unknown_uid_raises_room_not_found(
    platform_client: PlatformClient,
) -> None:
    with pytest.raises(RoomNotFound) as caught:
        await platform_client.edit_interview("ZZZZ9999", RoomEdit(type_id=TECHNICAL))
    assert caught.value.path == "interviews/ZZZZ9999" and not caught.value.transient


# --- list ---------------------------------------------------------------------------------------


async def test_list_interviews_newest_first_with_paging(platform_client: PlatformClient) -> None:
    for name in ("Alice", "Bob", "Carol"):
        await platform_client.create_interview(new_room(name))
    first = await platform_client.list_interviews(per_page=2)
    second = await platform_client.list_interviews(page=2, per_page=2)
    assert [r.candidate_name for r in first.rooms] == ["Carol", "Bob"]
    assert [r.candidate_name for r in second.rooms] == ["Alice"]
    assert (first.page, first.per_page, first.total) == (1, 2, 3)


async def test_list_interviews_search_is_case_insensitive_substring(
    platform_client: PlatformClient,
) -> None:
    await platform_client.create_interview(new_room("Wang Wu"))
    await platform_client.create_interview(new_room("Li Si"))
    found = await platform_client.list_interviews(search="wang")
    assert [r.candidate_name for r in found.rooms] == ["Wang Wu"]


async def test_list_interviews_status_filter_sends_repeated_array_params(
    platform_client: PlatformClient, platform: PlatformControl
) -> None:
    opened = await platform_client.create_interview(new_room("A"))
    started = await platform_client.create_interview(new_room("B"))
    ended = await platform_client.create_interview(new_room("C"))
    await platform_client.create_interview(new_room("never opened"))
    platform.event(opened.uid, OPENED)
    platform.event(started.uid, STARTED)
    platform.event(ended.uid, ENDED, rate=5)
    page = await platform_client.list_interviews(statuses=[OPENED, ENDED])
    assert {r.uid for r in page.rooms} == {opened.uid, ended.uid}
    ended_room = next(r for r in page.rooms if r.uid == ended.uid)
    assert (ended_room.status, ended_room.rate) == (ENDED, 5)
    assert ended_room.ended_at is not None and ended_room.started_at is not None


async def test_list_interviews_creator_and_created_range(
    platform_client: PlatformClient, clock: FrozenClock
) -> None:
    early = await platform_client.create_interview(new_room("early", user_id=1))
    clock.advance(timedelta(hours=2))
    late = await platform_client.create_interview(new_room("late", user_id=2))
    mine = await platform_client.list_interviews(creator_id=1)
    assert [r.uid for r in mine.rooms] == [early.uid]
    since = await platform_client.list_interviews(created_from=clock.now() - timedelta(hours=1))
    assert [r.uid for r in since.rooms] == [late.uid]
    until = await platform_client.list_interviews(created_to=clock.now() - timedelta(hours=1))
    assert [r.uid for r in until.rooms] == [early.uid]


async def test_list_interviews_bad_arguments_fail_before_sending(
    platform_client: PlatformClient, platform: PlatformControl, clock: FrozenClock
) -> None:
    with pytest.raises(ValueError, match="status"):
        await platform_client.list_interviews(statuses=["interview_paused"])
    with pytest.raises(ValueError, match="per_page"):
        await platform_client.list_interviews(per_page=101)
    with pytest.raises(ValueError, match="aware"):
        await platform_client.list_interviews(created_from=clock.now().replace(tzinfo=None))
    assert platform.calls("interviews:list") == 0


# --- batch and question bank --------------------------------------------------------------------


async def test_batch_create_one_room_per_candidate(platform_client: PlatformClient) -> None:
    candidates = [BatchCandidate(f"cand-{n}", f"候选人{n}") for n in range(3)]
    rooms = await platform_client.batch_create(candidates)
    assert [(r.candidate_uid, r.candidate_name) for r in rooms] == [
        (c.uid, c.name) for c in candidates
    ]
    assert len({r.uid for r in rooms}) == 3
    assert all(r.candidate_url and r.interviewer_url for r in rooms)


@pytest.mark.parametrize("size", [0, 101])
async def test_batch_create_size_outside_1_to_100_is_refused(
    platform_client: PlatformClient, platform: PlatformControl, size: int
) -> None:
    with pytest.raises(ValueError, match="1 to 100"):
        await platform_client.batch_create([BatchCandidate(f"c{n}", "N") for n in range(size)])
    assert platform.calls("batch_interviews") == 0


async def test_papers_and_questions_are_typed(platform_client: PlatformClient) -> None:
    papers = await platform_client.papers()
    questions = await platform_client.questions(per_page=100)
    assert [p.title for p in papers] == ["Python backend", "Frontend basics", "Algorithms"]
    assert all(p.question_count > 0 for p in papers)
    assert {q.kind for q in questions} == {"choice", "essay", "programming", "video", "drawing"}
    assert len(await platform_client.questions(per_page=2)) == 2


# --- errcodes and credentials -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("errcode", "cls"),
    [
        (10001, InvalidCredentials),
        (10002, RateLimited),
        (10003, InvalidRequest),
        (10004, RoomNotFound),
        (-1, SystemBusy),
        (12345, PlatformError),
    ],
)
async def test_errcode_answer_raises_its_class(
    platform_client: PlatformClient,
    platform: PlatformControl,
    errcode: int,
    cls: type[PlatformError],
) -> None:
    platform.fault(path="interviews:create", errcode=errcode)
    with pytest.raises(cls) as caught:
        await platform_client.create_interview(new_room())
    assert type(caught.value) is cls and caught.value.errcode == errcode
    assert platform.rooms() == []  # an errcode fault does not apply the request


async def test_wrong_api_key_raises_invalid_credentials(platform: PlatformControl) -> None:
    async with demo_client(platform.base_url, api_key="not-the-key") as client:
        with pytest.raises(InvalidCredentials) as caught:
            await client.papers()
    assert caught.value.errcode == 10001
    assert platform.calls("exams") == 1  # permanent: not retried


async def test_http_401_without_envelope_raises_invalid_credentials(
    platform_client: PlatformClient, platform: PlatformControl
) -> None:
    platform.fault(path="exams", http_status=401)
    with pytest.raises(InvalidCredentials, match="HTTP 401"):
        await platform_client.papers()


async def test_sandbox_answers_401_envelope_without_key(platform: PlatformControl) -> None:
    async with httpx.AsyncClient(base_url=platform.base_url) as http:
        response = await http.get("/open_api/v1/exams")
    assert response.status_code == 401
    assert response.json()["errcode"] == 10001
