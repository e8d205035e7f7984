"""The app's own WeCom calendar for interviews, and finding an interview's events in it.

`oa/schedule/add` is not idempotent and WeCom has no way to ask "which events did this app
add for this person": only `get_by_calendar` lists them, for a calendar the app created. So
events go into that calendar, and a sync that may follow an interrupted one looks there.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from portal.db.message_view import InterviewInfo
from portal.db.schedules import calendar_id, keep_first_calendar
from portal.notifications.render.common import interviewer_link

if TYPE_CHECKING:
    from portal.notifications.prepare import Delivery

PURPOSE = "interviews"
SUMMARY = "Interviews"
PAGE = 1000
LIVE = 0  # a schedule's `status`; 1 is cancelled


async def known_calendar(delivery: Delivery) -> str | None:
    """The calendar, if one was created (nothing can be in one that was not)."""
    return await calendar_id(delivery.db, PURPOSE)


async def interview_calendar(delivery: Delivery, *, now: datetime) -> str | None:
    """The calendar events go into, created on first use; None without an admin to own it."""
    found = await calendar_id(delivery.db, PURPOSE)
    if found is not None:
        return found
    sources = delivery.role_sources
    if sources is None or not sources.admins:
        return None  # WeCom's default calendar: a retry cannot look for what it added
    # A worker dying right here leaves an empty calendar behind, never a duplicate event.
    created = await delivery.wecom.schedule.add_calendar(SUMMARY, sources.admins[0])
    return await keep_first_calendar(delivery.db, PURPOSE, created, now=now)


def _marker(delivery: Delivery, info: InterviewInfo) -> re.Pattern[str]:
    # The event's description carries the interview's link; /mine/1 must not match /mine/17.
    return re.compile(re.escape(delivery.base_url + interviewer_link(info)) + r"(?![0-9])")


def _is_for(schedule: dict[str, Any], userid: str, marker: re.Pattern[str]) -> bool:
    attendees = schedule.get("attendees") or ()
    return (
        schedule.get("status", LIVE) == LIVE
        and any(isinstance(a, dict) and a.get("userid") == userid for a in attendees)
        and marker.search(str(schedule.get("description") or "")) is not None
    )


async def live_events(
    delivery: Delivery, cal_id: str, info: InterviewInfo, userid: str
) -> list[str]:
    """Ids of the live events in `cal_id` for `userid` on this interview."""
    marker, found, offset = _marker(delivery, info), [], 0
    while True:
        page = await delivery.wecom.schedule.in_calendar(cal_id, offset=offset, limit=PAGE)
        found += [str(s["schedule_id"]) for s in page if _is_for(s, userid, marker)]
        if len(page) < PAGE:
            return found
        offset += PAGE
