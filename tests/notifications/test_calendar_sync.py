"""Calendar sync when an earlier attempt added an event but its id was never recorded (the
worker died between WeCom's answer and the write): the retry finds it, a removal deletes it."""

from __future__ import annotations

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import interview_interviewers, outbox
from portal.notifications import kinds
from portal.notifications.worker import OutboxWorker
from tests.factories import add_interview, force_status, queue
from tests.notifications.conftest import Drain
from tests.support.sandbox import SandboxControl

LIVE = 0


def _live(sandbox: SandboxControl, userid: str) -> list[str]:
    return [
        s["schedule_id"]
        for s in sandbox.schedules()
        if s["status"] == LIVE and {"userid": userid} in s["attendees"]
    ]


async def _lose_recorded_id(db: Database, interview_id: int) -> None:
    ii = interview_interviewers
    await db.execute(
        ii.update().where(ii.c.interview_id == interview_id).values(wecom_schedule_id=None)
    )


async def _queue_retried_sync(db: Database, interview_id: int, tag: int) -> None:
    """A sync row claimed once before (by a worker that died): the next claim is attempt 2."""
    await queue(db, kinds.CALENDAR_SYNC, "zhangwei", interview_id, version=tag)
    await db.execute(
        outbox.update()
        .where(outbox.c.kind == kinds.CALENDAR_SYNC, outbox.c.status == "pending")
        .values(attempts=1)
    )


async def _recorded(db: Database, interview_id: int) -> str | None:
    ii = interview_interviewers
    found: str | None = await db.fetch_val(
        sa.select(ii.c.wecom_schedule_id).where(ii.c.interview_id == interview_id)
    )
    return found


async def test_calendar_sync_retry_adopts_unrecorded_event_instead_of_adding_another(
    db: Database, worker: OutboxWorker, drain: Drain, sandbox: SandboxControl
) -> None:
    interview = (await add_interview(db, panel=["zhangwei"])).interview_id
    await queue(db, kinds.INVITED, "zhangwei", interview)
    await drain(worker)
    [first] = _live(sandbox, "zhangwei")
    assert await _recorded(db, interview) == first
    await _lose_recorded_id(db, interview)
    await _queue_retried_sync(db, interview, 2)
    await drain(worker)
    assert _live(sandbox, "zhangwei") == [first]
    assert await _recorded(db, interview) == first


async def test_calendar_sync_cancelled_interview_deletes_unrecorded_event(
    db: Database, worker: OutboxWorker, drain: Drain, sandbox: SandboxControl
) -> None:
    interview = (await add_interview(db, panel=["zhangwei"])).interview_id
    await queue(db, kinds.INVITED, "zhangwei", interview)
    await drain(worker)
    assert len(_live(sandbox, "zhangwei")) == 1
    await _lose_recorded_id(db, interview)
    await force_status(db, interview, "cancelled")
    await queue(db, kinds.CALENDAR_SYNC, "zhangwei", interview, version=2)
    await drain(worker)
    assert _live(sandbox, "zhangwei") == []
