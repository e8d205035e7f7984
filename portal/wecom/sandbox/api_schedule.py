"""oa/schedule/add|update|get|del|get_by_calendar and oa/calendar/add: interview events in
members' WeCom calendars, optionally in a calendar the app created."""

from __future__ import annotations

import secrets
from typing import Any

from .api_messages import check_agentid
from .endpoint import ApiCall, Endpoint
from .errors import ApiError, ok

STATUS_NORMAL = 0
STATUS_CANCELLED = 1
_TEXT_LIMITS = {"summary": 128, "description": 1000, "location": 128}


def _int(schedule: dict[str, Any], key: str) -> int:
    value = schedule.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(40058, f"missing or invalid {key}")
    return value


def _checked(call: ApiCall) -> dict[str, Any]:
    body = call.body
    if "agentid" in body:
        check_agentid(body, call.sandbox.config)
    schedule = body.get("schedule")
    if not isinstance(schedule, dict):
        raise ApiError(40058, "schedule must be an object")
    if _int(schedule, "end_time") <= _int(schedule, "start_time"):
        raise ApiError(40058, "end_time must be after start_time")
    for key, limit in _TEXT_LIMITS.items():
        value = schedule.get(key, "")
        if not isinstance(value, str) or len(value) > limit:
            raise ApiError(40058, f"{key} must be a string of at most {limit} characters")
    attendees = schedule.get("attendees", [])
    if not isinstance(attendees, list) or len(attendees) > 1000:
        raise ApiError(40058, "attendees must be a list of at most 1000")
    org = call.sandbox.config.org
    for attendee in attendees:
        userid = attendee.get("userid") if isinstance(attendee, dict) else None
        if not isinstance(userid, str) or org.member(userid) is None:
            raise ApiError(40003, str(userid))
    admins = schedule.get("admins", [])
    if not isinstance(admins, list) or len(admins) > 3:
        raise ApiError(40058, "admins must be a list of at most 3")
    return dict(schedule)


def add(call: ApiCall) -> dict[str, Any]:
    """POST oa/schedule/add -> schedule_id; an unknown `cal_id` means the default calendar."""
    schedule = _checked(call)
    if schedule.get("cal_id") not in call.sandbox.state.calendars:
        schedule.pop("cal_id", None)
    schedule_id = secrets.token_hex(16)
    schedule.update(schedule_id=schedule_id, status=STATUS_NORMAL, sequence=1)
    call.sandbox.state.schedules[schedule_id] = schedule
    return ok(schedule_id=schedule_id)


def _existing(call: ApiCall, schedule_id: Any) -> dict[str, Any]:
    found = call.sandbox.state.schedules.get(schedule_id) if isinstance(schedule_id, str) else None
    if found is None:
        raise ApiError(40058, f"unknown schedule_id {schedule_id!r}")
    return found


def update(call: ApiCall) -> dict[str, Any]:
    """POST oa/schedule/update: replace the schedule's fields (send the full schedule)."""
    schedule = _checked(call)
    current = _existing(call, schedule.get("schedule_id"))
    if current["status"] == STATUS_CANCELLED:
        raise ApiError(40058, "schedule was deleted")
    schedule.update(status=STATUS_NORMAL, sequence=int(current["sequence"]) + 1)
    call.sandbox.state.schedules[current["schedule_id"]] = schedule
    return ok()


def get(call: ApiCall) -> dict[str, Any]:
    """POST oa/schedule/get {"schedule_id_list"}: deleted ones come back with status 1."""
    ids = call.body.get("schedule_id_list")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 1000:
        raise ApiError(40058, "schedule_id_list must hold 1 to 1000 ids")
    schedules = call.sandbox.state.schedules
    return ok(schedule_list=[schedules[i] for i in ids if isinstance(i, str) and i in schedules])


def delete(call: ApiCall) -> dict[str, Any]:
    """POST oa/schedule/del {"schedule_id"}: marks it cancelled."""
    _existing(call, call.body.get("schedule_id"))["status"] = STATUS_CANCELLED
    return ok()


def by_calendar(call: ApiCall) -> dict[str, Any]:
    """POST oa/schedule/get_by_calendar {"cal_id", "offset", "limit" <= 1000}."""
    cal_id = call.body.get("cal_id")
    if not isinstance(cal_id, str) or cal_id not in call.sandbox.state.calendars:
        raise ApiError(40058, f"unknown cal_id {cal_id!r}")
    offset, limit = call.body.get("offset", 0), call.body.get("limit", 500)
    if not isinstance(offset, int) or not isinstance(limit, int) or not 0 < limit <= 1000:
        raise ApiError(40058, "offset and limit (1 to 1000) must be integers")
    found = [s for s in call.sandbox.state.schedules.values() if s.get("cal_id") == cal_id]
    return ok(schedule_list=found[max(offset, 0) : max(offset, 0) + limit])


def add_calendar(call: ApiCall) -> dict[str, Any]:
    """POST oa/calendar/add {"calendar": {organizer, summary, ...}, "agentid"} -> cal_id."""
    check_agentid(call.body, call.sandbox.config)
    calendar = call.body.get("calendar")
    if not isinstance(calendar, dict):
        raise ApiError(40058, "calendar must be an object")
    organizer, summary = calendar.get("organizer"), calendar.get("summary")
    if not isinstance(organizer, str) or call.sandbox.config.org.member(organizer) is None:
        raise ApiError(40003, str(organizer))
    if not isinstance(summary, str) or not 1 <= len(summary) <= 128:
        raise ApiError(40058, "summary must be 1 to 128 characters")
    cal_id = secrets.token_hex(16)
    call.sandbox.state.calendars[cal_id] = {**calendar, "cal_id": cal_id}
    return ok(cal_id=cal_id)


ENDPOINTS = {
    "oa/schedule/add": Endpoint(add, post=True),
    "oa/schedule/update": Endpoint(update, post=True),
    "oa/schedule/get": Endpoint(get, post=True),
    "oa/schedule/del": Endpoint(delete, post=True),
    "oa/schedule/get_by_calendar": Endpoint(by_calendar, post=True),
    "oa/calendar/add": Endpoint(add_calendar, post=True),
}
