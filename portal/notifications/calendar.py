"""Interviews in interviewers' WeCom calendars (oa/schedule), one event per interviewer.

A `calendar_sync` row reconciles: the event exists, with the current time and place, while
the person is on a live interview; otherwise it is removed. The event id lives in
`interview_interviewers.wecom_schedule_id`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from portal.db.database import Database
from portal.db.interview_writes import set_schedule_id
from portal.db.message_view import InterviewInfo, Panelist
from portal.db.outbox import OutboxRow
from portal.notifications.outcomes import Outcome, Sent
from portal.notifications.render.common import interviewer_link
from portal.notifications.render.voice import Voice, clip
from portal.wecom import Reminders, ScheduleEvent, WeComError

if TYPE_CHECKING:
    from portal.notifications.prepare import Delivery

UNKNOWN_SCHEDULE = 40058
REMIND_BEFORE_S = 900

Call = Callable[[], Awaitable[Outcome]]


def _store(
    interview_id: int, person_id: int, schedule_id: str | None
) -> Callable[[Database], Awaitable[None]]:
    async def effect(db: Database) -> None:
        await set_schedule_id(db, interview_id, person_id, schedule_id)

    return effect


def event_for(info: InterviewInfo, userid: str, voice: Voice, base_url: str) -> ScheduleEvent:
    offset = info.starts_at.astimezone(ZoneInfo(voice.zone)).utcoffset()
    hours = round(offset.total_seconds() / 3600) if offset is not None else 8
    summary = voice.t(
        "Interview: %(candidate)s (%(position)s, round %(round)s)",
        candidate=clip(info.candidate, 40),
        position=clip(info.position, 40),
        round=info.round,
    )
    return ScheduleEvent(
        start_time=int(info.starts_at.timestamp()),
        end_time=int(info.ends_at.timestamp()),
        summary=clip(summary, 128),
        attendees=[userid],
        description=voice.t("Details: %(url)s", url=base_url + interviewer_link(info)),
        location=clip(info.location, 128) or None,
        reminders=Reminders(remind_before_event_secs=REMIND_BEFORE_S, timezone=hours),
    )


def _add(delivery: Delivery, info: InterviewInfo, who: Panelist, event: ScheduleEvent) -> Call:
    async def call() -> Outcome:
        schedule_id = await delivery.wecom.schedule.add(event)
        return Sent(effects=(_store(info.id, who.person_id, schedule_id),))

    return call


def _update(delivery: Delivery, info: InterviewInfo, who: Panelist, event: ScheduleEvent) -> Call:
    async def call() -> Outcome:
        assert who.schedule_id is not None
        try:
            await delivery.wecom.schedule.update(who.schedule_id, event)
        except WeComError as exc:
            if exc.errcode != UNKNOWN_SCHEDULE:
                raise
            return await _add(delivery, info, who, event)()  # deleted in WeCom meanwhile
        return Sent()

    return call


def _delete(delivery: Delivery, info: InterviewInfo, who: Panelist) -> Call:
    async def call() -> Outcome:
        assert who.schedule_id is not None
        try:
            await delivery.wecom.schedule.delete(who.schedule_id)
        except WeComError as exc:
            if exc.errcode != UNKNOWN_SCHEDULE:
                raise
        return Sent(effects=(_store(info.id, who.person_id, None),))

    return call


def plan(
    delivery: Delivery, row: OutboxRow, info: InterviewInfo | None, voice: Voice
) -> tuple[Outcome | None, Call | None]:
    """Nothing to do (an outcome), or the WeCom call that brings the calendar in step."""
    who = info.panelist(row.recipient) if info is not None else None
    if info is None or who is None:
        return Sent(), None
    if info.cancelled or not who.active:
        return (Sent(), None) if who.schedule_id is None else (None, _delete(delivery, info, who))
    event = event_for(info, row.recipient, voice, delivery.base_url)
    if who.schedule_id is None:
        return None, _add(delivery, info, who, event)
    return None, _update(delivery, info, who, event)
