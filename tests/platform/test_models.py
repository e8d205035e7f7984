"""Typed values: client-side checks, what goes over the wire, and strict parsing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from portal.platform import NON_TECHNICAL, Interviewer, NewRoom, RoomEdit, Seat
from portal.platform.models import new_room_json, room_edit_json, room_from_json

ZHANG = Interviewer("zhangwei", "张伟", email="zhangwei@example.com")


@pytest.mark.parametrize("count", [0, 6])
def test_new_room_interviewer_count_outside_1_to_5_is_refused(count: int) -> None:
    with pytest.raises(ValueError, match="1 to 5"):
        NewRoom("王五", [Interviewer(f"u{n}", f"N{n}", email="a@b.c") for n in range(count)])


def test_room_edit_empty_interviewer_list_is_refused() -> None:
    with pytest.raises(ValueError, match="1 to 5"):
        RoomEdit(interviewers=[])


def test_new_room_json_utf8_fields_and_optional_links() -> None:
    room = NewRoom("王五", [ZHANG, Interviewer("lina", "李娜", phone="13800000000")], user_id=7)
    assert new_room_json(room) == {
        "candidate_name": "王五",
        "type_id": 1,
        "interviewers": [
            {"uid": "zhangwei", "name": "张伟", "email": "zhangwei@example.com"},
            {"uid": "lina", "name": "李娜", "phone": "13800000000"},
        ],
        "user_id": 7,
    }


def test_room_edit_json_sends_only_fields_that_are_set() -> None:
    assert room_edit_json(RoomEdit()) == {}
    edit = RoomEdit(type_id=NON_TECHNICAL, redirect_uri="https://portal.example.com/r/1")
    assert room_edit_json(edit) == {"type_id": 2, "redirect_uri": "https://portal.example.com/r/1"}


def test_room_from_json_documented_create_answer_only() -> None:
    room = room_from_json(
        {
            "uid": "AB12CD34",
            "candidate_url": "https://p.example/c",
            "interviewer_url": "https://p.example/i",
            "interviewer_urls": [
                {"uid": "zhangwei", "name": "张伟", "interviewer_url": "https://p.example/z"}
            ],
        }
    )
    assert room.seats == (Seat("zhangwei", "张伟", "https://p.example/z"),)
    assert (room.status, room.rate, room.created_at) == (None, None, None)


def test_room_from_json_times_are_aware_utc() -> None:
    room = room_from_json(
        {"uid": "A", "candidate_url": "u", "created_time": 1_700_000_000, "ended_time": None}
    )
    assert room.created_at == datetime.fromtimestamp(1_700_000_000, UTC)
    assert room.created_at is not None and room.created_at.tzinfo is UTC


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"uid": None}, "data.uid"),
        ({"candidate_url": ""}, "data.candidate_url"),
        ({"type_id": "1"}, "data.type_id"),
        ({"status": "interview_paused"}, "status"),
        ({"rate": 7}, "rate"),
        ({"created_time": "yesterday"}, "data.created_time"),
        ({"interviewer_urls": {"uid": "x"}}, "data.interviewer_urls"),
        ({"interviewer_urls": [{"uid": "x"}]}, "interviewer_url"),
    ],
)
def test_room_from_json_malformed_field_is_named(change: dict[str, Any], complaint: str) -> None:
    data = {"uid": "AB12CD34", "candidate_url": "https://p.example/c", **change}
    with pytest.raises(ValueError, match=complaint):
        room_from_json(data)
