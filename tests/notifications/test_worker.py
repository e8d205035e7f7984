"""The worker against the sandbox: sends, skips, retries, dead letters, follow-ups."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from portal.clock import FrozenClock
from portal.db.database import Database
from portal.db.outbox import get_row
from portal.db.tables import outbox
from portal.notifications import kinds
from portal.notifications.worker import OutboxWorker
from tests.factories import add_feedback, add_interview, add_person, force_status, queue
from tests.notifications.conftest import Drain, statuses
from tests.support.sandbox import SandboxControl
from tests.support.when import NOW, days_after


async def _rows(db: Database, kind: str | None = None) -> list[dict[str, Any]]:
    query = sa.select(outbox).order_by(outbox.c.id)
    if kind:
        query = query.where(outbox.c.kind == kind)
    return [dict(row) for row in await db.fetch_all(query)]


async def test_worker_invitation_is_sent_as_button_card(
    db: Database, worker: OutboxWorker, drain: Drain, sandbox: SandboxControl
) -> None:
    interview = (await add_interview(db, panel=["zhangwei"])).interview_id
    await queue(db, kinds.INVITED, "zhangwei", interview)
    await drain(worker)
    [message] = sandbox.messages("zhangwei")
    card = message["body"]
    assert card["card_type"] == "button_interaction"
    assert [b["key"] for b in card["button_list"]] == [
        f"rsvp:{interview}:1:accept",  # the version the row was queued at
        f"rsvp:{interview}:1:decline",
    ]
    assert card["card_action"]["url"] == f"http://portal.test/mine/{interview}"
    [row] = await _rows(db, kinds.INVITED)
    assert row["status"] == "sent" and row["msgid"] == message["msgid"] and row["attempts"] == 1


async def test_worker_message_uses_recipient_language_and_zone(
    db: Database, worker: OutboxWorker, drain: Drain, sandbox: SandboxControl
) -> None:
    await add_person(db, "lina", locale="en", timezone="Europe/London")
    starts_at = NOW + timedelta(days=1)  # Wednesday 10:00 in Shanghai, 02:00 UTC
    interview = (await add_interview(db, panel=["lina"], starts_at=starts_at)).interview_id
    await queue(db, kinds.REMINDER, "lina", interview)
    await drain(worker)
    card = sandbox.messages("lina")[0]["body"]
    assert card["main_title"]["title"] == "Interview starts soon"
    start = (NOW + timedelta(days=1)).astimezone(ZoneInfo("Europe/London"))  # GMT or BST
    end = start + timedelta(hours=1)
    title = f"{start:%-I:%M}\u202f{start:%p}–{end:%-I:%M}\u202f{end:%p}"
    assert card["emphasis_content"] == {"title": title, "desc": f"Wed, {start:%b} {start.day}"}
    assert {"keyname": "Zone", "value": "Europe/London"} in card["horizontal_content_list"]


async def test_worker_skips_rows_of_a_cancelled_interview(
    db: Database, worker: OutboxWorker, drain: Drain, sandbox: SandboxControl
) -> None:
    interview = (await add_interview(db, panel=["zhangwei"])).interview_id
    await queue(db, kinds.REMINDER, "zhangwei", interview)
    await queue(db, kinds.CANCELLED, "zhangwei", interview, reason="candidate withdrew")
    await force_status(db, interview, "cancelled")
    await drain(worker)
    [message] = sandbox.messages("zhangwei")
    assert message["body"]["sub_title_text"].endswith("candidate withdrew")
    reminder = (await _rows(db, kinds.REMINDER))[0]
    assert reminder["status"] == "cancelled"
    assert reminder["last_error"] == "the interview was cancelled"


async def test_worker_retries_transient_failure_then_sends(
    db: Database, worker: OutboxWorker, drain: Drain, sandbox: SandboxControl
) -> None:
    interview = (await add_interview(db, panel=["zhangwei"])).interview_id
    await queue(db, kinds.CHANGED, "zhangwei", interview)
    sandbox.fault(path="message/send", errcode=-1, times=2)
    await drain(worker)
    [row] = await _rows(db, kinds.CHANGED)
    assert row["status"] == "sent" and row["attempts"] == 3
    assert row["last_errcode"] == -1
    assert len(sandbox.messages("zhangwei")) == 1


async def test_worker_rate_limited_waits_at_least_a_minute(
    db: Database, worker: OutboxWorker, sandbox: SandboxControl, clock: FrozenClock
) -> None:
    interview = (await add_interview(db, panel=["zhangwei"])).interview_id
    await queue(db, kinds.CHANGED, "zhangwei", interview)
    sandbox.fault(path="message/send", errcode=45009, times=1)
    assert await worker.run_once() == 1
    [row] = await _rows(db, kinds.CHANGED)
    assert row["status"] == "pending"
    # The backoff alone would be a second (FAST_POLICY); WeCom blocks the minute.
    assert row["next_attempt_at"] - clock.now() == timedelta(seconds=60)


async def test_worker_unknown_member_goes_straight_to_dead_letters(
    db: Database, worker: OutboxWorker, drain: Drain, sandbox: SandboxControl
) -> None:
    # gaojun is still in the portal's directory, but has left the corp.
    interview = (await add_interview(db, panel=["zhangwei", "gaojun"])).interview_id
    await queue(db, kinds.INVITED, "gaojun", interview)
    await drain(worker)
    [row] = await _rows(db, kinds.INVITED)
    assert row["status"] == "dead" and row["attempts"] == 1
    assert row["last_errcode"] == 81013
    assert "visible range" in str(row["last_error"])


async def test_worker_gives_up_after_the_last_attempt(
    db: Database, worker: OutboxWorker, drain: Drain, sandbox: SandboxControl
) -> None:
    interview = (await add_interview(db, panel=["zhangwei"])).interview_id
    await queue(db, kinds.CHANGED, "zhangwei", interview)
    sandbox.fault(path="message/send", http_status=503)
    await drain(worker)
    [row] = await _rows(db, kinds.CHANGED)
    assert row["status"] == "dead" and row["attempts"] == 8
    assert str(row["last_error"]).startswith("gave up after 8 attempts")


async def test_worker_feedback_due_queues_next_working_morning(
    db: Database, worker: OutboxWorker, sandbox: SandboxControl, clock: FrozenClock
) -> None:
    interview = (await add_interview(db, panel=["zhangwei"])).interview_id
    await queue(db, kinds.FEEDBACK_DUE, "zhangwei", interview)
    assert await worker.run_once() == 1
    rows = await _rows(db, kinds.FEEDBACK_DUE)
    assert [r["status"] for r in rows] == ["sent", "pending"]
    assert rows[1]["payload"]["reminder"] == 2
    due = rows[1]["next_attempt_at"]
    # The clock stands on a Tuesday: the next working morning is Wednesday, 10:00 Shanghai.
    assert due == days_after(clock.now(), 1, time(10))
    assert due > clock.now() and (due.hour, due.minute) == (2, 0)  # 10:00 Asia/Shanghai
    assert due.weekday() < 5


async def test_worker_feedback_due_skipped_once_submitted(
    db: Database, worker: OutboxWorker, drain: Drain, sandbox: SandboxControl
) -> None:
    interview = (await add_interview(db, panel=["zhangwei"])).interview_id
    await add_feedback(db, interview, "zhangwei")
    await queue(db, kinds.FEEDBACK_DUE, "zhangwei", interview)
    await drain(worker)
    assert sandbox.messages("zhangwei") == []
    assert await statuses(db) == {"cancelled": 1}


async def test_worker_invitation_puts_interview_in_calendar(
    db: Database, worker: OutboxWorker, drain: Drain, sandbox: SandboxControl
) -> None:
    interview = (await add_interview(db, panel=["zhangwei"])).interview_id
    await queue(db, kinds.INVITED, "zhangwei", interview)
    await drain(worker)
    schedules = sandbox.http.get("/_control/schedules").json()["schedules"]
    assert len(schedules) == 1 and schedules[0]["attendees"] == [{"userid": "zhangwei"}]
    await force_status(db, interview, "cancelled")
    await queue(db, kinds.CANCELLED, "zhangwei", interview, version=2)
    await drain(worker)
    schedules = sandbox.http.get("/_control/schedules").json()["schedules"]
    assert [s["status"] for s in schedules] == [1]  # deleted
    # invited, cancelled, two calendar syncs, and the invitation card saying it was cancelled
    assert (await statuses(db)) == {"sent": 5}


async def test_worker_released_rows_return_untouched_on_stop(
    db: Database, worker: OutboxWorker, sandbox: SandboxControl
) -> None:
    import asyncio

    interview = (await add_interview(db, panel=["zhangwei"])).interview_id
    await queue(db, kinds.CHANGED, "zhangwei", interview)
    stop = asyncio.Event()
    stop.set()
    assert await worker.run_once(stop) == 1
    row = await get_row(db, 1)
    assert row is not None and row.status == "pending" and row.attempts == 0
    assert row.claimed_by is None and row.paced_at is None
    assert sandbox.messages("zhangwei") == []


async def test_worker_resend_after_lost_result_is_not_delivered_twice(
    db: Database, worker: OutboxWorker, drain: Drain, sandbox: SandboxControl, clock: FrozenClock
) -> None:
    """A worker dies between WeCom's answer and recording it; the next one sends again."""
    from portal.notifications.claim import claim
    from portal.notifications.prepare import prepare

    interview = (await add_interview(db, panel=["zhangwei"])).interview_id
    await queue(db, kinds.CHANGED, "zhangwei", interview)
    rows = await claim(db, now=clock.now(), limit=5, lease=30, token="doomed")
    [work] = await prepare(worker.delivery, rows, clock.now())
    assert work.call is not None
    await work.call()  # delivered; the result is never written
    clock.advance(31)
    await drain(worker)
    assert len(sandbox.messages("zhangwei")) == 1
    assert sandbox.stats()["duplicates_suppressed"] == 1
    [row] = await _rows(db, kinds.CHANGED)
    assert row["status"] == "sent" and row["attempts"] == 2


async def test_worker_run_sends_until_stopped(
    db: Database, worker: OutboxWorker, sandbox: SandboxControl
) -> None:
    import asyncio

    interview = (await add_interview(db, panel=["zhangwei", "lina"])).interview_id
    await queue(db, kinds.CHANGED, "zhangwei", interview)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    for _ in range(100):
        if (await statuses(db)).get("sent") == 2:  # the change and its calendar sync
            break
        await asyncio.sleep(0.05)
    await queue(db, kinds.CHANGED, "lina", interview)
    for _ in range(100):
        if (await statuses(db)).get("sent") == 4:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(running, timeout=5)
    assert await statuses(db) == {"sent": 4}
    assert len(sandbox.messages("lina")) == 1
