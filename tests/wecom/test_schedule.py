"""Calendar events for interviewers: add, update, delete."""

from __future__ import annotations

import dataclasses
from datetime import time
from typing import Any

import pytest

from portal.wecom import InvalidMessage, MessageTooLong, Reminders, ScheduleEvent, WeComClient
from tests.support.sandbox import SandboxControl
from tests.support.when import NOW, days_after

START = int(days_after(NOW, 1, time(14)).timestamp())  # tomorrow 14:00 in Shanghai


EVENT = ScheduleEvent(
    start_time=START,
    end_time=START + 3600,
    summary="Interview: Wang Wu (backend, round 2)",
    attendees=["zhangwei", "lina"],
    admins=["liuyang"],
    description="Portal: https://portal.example.com/i/42",
    location="Meeting room 3",
    reminders=Reminders(remind_before_event_secs=900, remind_time_diffs=[-900]),
)


def event(**overrides: Any) -> ScheduleEvent:
    """EVENT with some fields changed, validated again."""
    return dataclasses.replace(EVENT, **overrides)


def test_schedule_event_payload_shape() -> None:
    assert event().payload() == {
        "start_time": START,
        "end_time": START + 3600,
        "is_whole_day": 0,
        "summary": "Interview: Wang Wu (backend, round 2)",
        "attendees": [{"userid": "zhangwei"}, {"userid": "lina"}],
        "admins": ["liuyang"],
        "description": "Portal: https://portal.example.com/i/42",
        "location": "Meeting room 3",
        "reminders": {
            "is_remind": 1,
            "remind_before_event_secs": 900,
            "is_repeat": 0,
            "timezone": 8,
            "remind_time_diffs": [-900],
        },
    }


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"end_time": START}, InvalidMessage),
        ({"summary": "s" * 129}, MessageTooLong),
        ({"description": "d" * 1001}, MessageTooLong),
        ({"location": "l" * 129}, MessageTooLong),
        ({"admins": ["a", "b", "c", "d"]}, InvalidMessage),
        ({"attendees": ["u"] * 1001}, InvalidMessage),
    ],
)
def test_schedule_event_bad_fields_raise(
    overrides: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        event(**overrides)


async def test_schedule_add_update_delete(
    wecom_client: WeComClient, sandbox: SandboxControl
) -> None:
    schedule_id = await wecom_client.schedule.add(event())
    assert schedule_id
    await wecom_client.schedule.update(
        schedule_id, event(start_time=START + 7200, end_time=START + 9000)
    )
    [stored] = await wecom_client.schedule.get([schedule_id])
    assert stored["start_time"] == START + 7200
    assert stored["attendees"] == [{"userid": "zhangwei"}, {"userid": "lina"}]
    await wecom_client.schedule.delete(schedule_id)
    [cancelled] = await wecom_client.schedule.get([schedule_id])
    assert cancelled["status"] == 1
    [listed] = sandbox.schedules()
    assert listed["schedule_id"] == schedule_id and listed["status"] == 1
