"""Interview events in interviewers' WeCom calendars (`oa/schedule/*`).

The app may change only schedules it created; keep the returned `schedule_id` to update or
cancel on reschedule. Update sends the full schedule (whether WeCom keeps omitted fields is
not documented, wecom-api.md §7).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from portal.wecom.errors import InvalidMessage, MessageTooLong

if TYPE_CHECKING:
    from portal.wecom.client import WeComClient

JSON = dict[str, Any]

MAX_SUMMARY_CHARS = 128
MAX_DESCRIPTION_CHARS = 1000
MAX_LOCATION_CHARS = 128
MAX_ATTENDEES = 1000
MAX_ADMINS = 3


@dataclass(frozen=True, kw_only=True)
class Reminders:
    """When WeCom reminds attendees; `remind_before_event_secs` from WeCom's fixed set."""

    is_remind: bool = True
    remind_before_event_secs: int = 900
    remind_time_diffs: Sequence[int] = ()
    timezone: int = 8  # UTC offset in hours, as WeCom expects

    def payload(self) -> JSON:
        body: JSON = {
            "is_remind": int(self.is_remind),
            "remind_before_event_secs": self.remind_before_event_secs,
            "is_repeat": 0,
            "timezone": self.timezone,
        }
        if self.remind_time_diffs:
            body["remind_time_diffs"] = list(self.remind_time_diffs)
        return body


@dataclass(frozen=True, kw_only=True)
class ScheduleEvent:
    """One calendar event; times are unix seconds (UTC)."""

    start_time: int
    end_time: int
    summary: str
    attendees: Sequence[str] = ()
    organizer: str | None = None
    admins: Sequence[str] = ()
    description: str | None = None
    location: str | None = None
    reminders: Reminders | None = field(default_factory=Reminders)
    cal_id: str | None = None

    def __post_init__(self) -> None:
        if self.end_time <= self.start_time:
            raise InvalidMessage("schedule end_time must be after start_time")
        for name, value, limit in (
            ("summary", self.summary, MAX_SUMMARY_CHARS),
            ("description", self.description or "", MAX_DESCRIPTION_CHARS),
            ("location", self.location or "", MAX_LOCATION_CHARS),
        ):
            if len(value) > limit:
                raise MessageTooLong(f"schedule.{name}", limit, len(value), "characters")
        if len(self.attendees) > MAX_ATTENDEES:
            raise InvalidMessage(f"a schedule takes at most {MAX_ATTENDEES} attendees")
        if len(self.admins) > MAX_ADMINS:
            raise InvalidMessage(f"a schedule takes at most {MAX_ADMINS} admins")

    def payload(self) -> JSON:
        body: JSON = {
            "start_time": self.start_time,
            "end_time": self.end_time,
            "is_whole_day": 0,
            "summary": self.summary,
            "attendees": [{"userid": u} for u in self.attendees],
        }
        # The current doc names `admins`; older SDKs send `organizer`. Send what was given.
        if self.organizer:
            body["organizer"] = self.organizer
        if self.admins:
            body["admins"] = list(self.admins)
        optional = {
            "description": self.description,
            "location": self.location,
            "cal_id": self.cal_id,
            "reminders": self.reminders.payload() if self.reminders else None,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        return body


class Schedules:
    """`client.schedule`: add, update and delete calendar events."""

    def __init__(self, client: WeComClient) -> None:
        self._client = client

    async def add(self, event: ScheduleEvent) -> str:
        """Create an event in the attendees' calendars; returns its `schedule_id`.

        https://developer.work.weixin.qq.com/document/path/93648
        """
        body = {"schedule": event.payload(), "agentid": self._client.agent_id}
        data = await self._client.post("oa/schedule/add", body)
        return str(data["schedule_id"])

    async def update(self, schedule_id: str, event: ScheduleEvent) -> None:
        """Replace an event this app created (send the whole event).

        https://developer.work.weixin.qq.com/document/path/97720
        """
        schedule = {**event.payload(), "schedule_id": schedule_id}
        schedule.pop("cal_id", None)  # an event cannot move between calendars
        await self._client.post("oa/schedule/update", {"schedule": schedule})

    async def get(self, schedule_ids: Sequence[str]) -> list[JSON]:
        """Read events by id (cancelled ones included, with `status` 1), as WeCom returns them.

        https://developer.work.weixin.qq.com/document/path/97724
        """
        data = await self._client.post("oa/schedule/get", {"schedule_id_list": list(schedule_ids)})
        return list(data.get("schedule_list") or ())

    async def in_calendar(self, cal_id: str, *, offset: int = 0, limit: int = 1000) -> list[JSON]:
        """One page of the events in a calendar this app created (cancelled ones included).

        https://developer.work.weixin.qq.com/document/path/97723
        """
        body = {"cal_id": cal_id, "offset": offset, "limit": limit}
        data = await self._client.post("oa/schedule/get_by_calendar", body)
        return list(data.get("schedule_list") or ())

    async def add_calendar(self, summary: str, organizer: str) -> str:
        """Create a calendar owned by this app; returns its `cal_id`.

        https://developer.work.weixin.qq.com/document/path/93647
        """
        calendar = {"organizer": organizer, "readonly": 1, "summary": summary[:128]}
        data = await self._client.post(
            "oa/calendar/add", {"calendar": calendar, "agentid": self._client.agent_id}
        )
        return str(data["cal_id"])

    async def delete(self, schedule_id: str) -> None:
        """Cancel an event this app created.

        https://developer.work.weixin.qq.com/document/path/97725
        """
        await self._client.post("oa/schedule/del", {"schedule_id": schedule_id})
