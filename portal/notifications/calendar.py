"""Interviews in interviewers' WeCom calendars (oa/schedule), one event per interviewer.

A `calendar_sync` row reconciles: the event exists, with the current time and place, while
the person is on a live interview; otherwise it is removed. The event id lives in
`interview_interviewers.wecom_schedule_id`, written the moment WeCom returns it. A sync that
may follow an interrupted one (a retry, or any removal) first looks in the app's calendar
(`calendar_store`) for events an earlier attempt added but never recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from portal.db.message_view import InterviewInfo, Panelist
from portal.db.outbox import OutboxRow
from portal.db.schedules import forget_schedule, keep_first_schedule
from portal.notifications.calendar_store import interview_calendar, known_calendar, live_events
from portal.notifications.outcomes import Outcome, Sent
from portal.notifications.render.common import interviewer_link
from portal.notifications.render.voice import Voice, clip
from portal.wecom import Reminders, ScheduleEvent, WeComError

if TYPE_CHECKING:
    from portal.notifications.prepare import Delivery

log = logging.getLogger(__name__)

UNKNOWN_SCHEDULE = 40058
REMIND_BEFORE_S = 900

Call = Callable[[], Awaitable[Outcome]]


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


class Sync:
    """One panelist's event for one interview: `ensure` it exists and is current, or `remove` it."""

    def __init__(self, delivery: Delivery, info: InterviewInfo, who: Panelist, userid: str) -> None:
        self.delivery, self.info, self.who, self.userid = delivery, info, who, userid
        self.schedule = delivery.wecom.schedule

    async def ensure(self, event: ScheduleEvent, *, look: bool, now: datetime) -> Outcome:
        cal_id = await interview_calendar(self.delivery, now=now)
        event = replace(event, cal_id=cal_id)
        current = await self._current(cal_id if look else None)
        for extra in current[1:]:
            await self._delete(extra)
        if current:
            kept = await self._keep(current[0])
            if kept != current[0]:
                await self._delete(current[0])  # found, but another sync recorded its own
                if kept is not None:
                    await self._update(kept, event)
                return Sent()
            if await self._update(kept, event):
                return Sent()
            await forget_schedule(self.delivery.db, self.info.id, self.who.person_id, kept)
        await self._add(event)
        return Sent()

    async def remove(self) -> Outcome:
        cal_id = await known_calendar(self.delivery)
        current = await self._current(cal_id)
        for schedule_id in current:
            await self._delete(schedule_id)
        return Sent()

    async def _current(self, cal_id: str | None) -> list[str]:
        """The recorded event first, then any other live one found in `cal_id`."""
        current = [self.who.schedule_id] if self.who.schedule_id else []
        if cal_id is None:
            return current
        found = await live_events(self.delivery, cal_id, self.info, self.userid)
        unrecorded = [i for i in found if i not in current]
        if unrecorded:
            log.info(
                "calendar: %d unrecorded event(s) of %s for interview %s",
                len(unrecorded),
                self.userid,
                self.info.id,
            )
        return current + unrecorded

    async def _keep(self, schedule_id: str) -> str | None:
        return await keep_first_schedule(
            self.delivery.db, self.info.id, self.who.person_id, schedule_id
        )

    async def _add(self, event: ScheduleEvent) -> None:
        schedule_id = await self.schedule.add(event)
        kept = await self._keep(schedule_id)
        if kept != schedule_id:
            # Another sync added one first (or the panelist left): ours would be a duplicate.
            await self._delete(schedule_id)
            if kept is not None:
                await self._update(kept, event)

    async def _update(self, schedule_id: str, event: ScheduleEvent) -> bool:
        """False when WeCom no longer has the event (deleted there meanwhile)."""
        try:
            await self.schedule.update(schedule_id, event)
        except WeComError as exc:
            if exc.errcode != UNKNOWN_SCHEDULE:
                raise
            return False
        return True

    async def _delete(self, schedule_id: str) -> None:
        try:
            await self.schedule.delete(schedule_id)
        except WeComError as exc:
            if exc.errcode != UNKNOWN_SCHEDULE:
                raise
        await forget_schedule(self.delivery.db, self.info.id, self.who.person_id, schedule_id)


def plan(
    delivery: Delivery, row: OutboxRow, info: InterviewInfo | None, voice: Voice, now: datetime
) -> tuple[Outcome | None, Call | None]:
    """Nothing to do (an outcome), or the WeCom calls that bring the calendar in step."""
    who = info.panelist(row.recipient) if info is not None else None
    if info is None or who is None:
        return Sent(), None
    sync = Sync(delivery, info, who, row.recipient)
    if info.cancelled or not who.active:
        # Always looked up: an event an interrupted add left behind must not outlive this.
        return None, sync.remove
    event = event_for(info, row.recipient, voice, delivery.base_url)
    # A row claimed before may have added an event and died before recording its id.
    look = row.attempts > 1
    return None, lambda: sync.ensure(event, look=look, now=now)
