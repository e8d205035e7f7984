"""The HR morning digest: who gets it, when, and what it holds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import outbox
from portal.notifications.digest import digest_slot, enqueue_digests
from portal.notifications.followups import next_working_morning
from portal.notifications.kinds import DAILY_DIGEST
from portal.notifications.outbox import enqueue
from portal.notifications.worker import OutboxWorker
from tests.notifications.conftest import Drain, FakeClock
from tests.notifications.factories import add_interview, add_person, statuses
from tests.support.sandbox import SandboxControl

SHANGHAI = "Asia/Shanghai"


def test_digest_slot_before_noon_is_today_at_eight() -> None:
    now = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai
    day, due = digest_slot(now, SHANGHAI)
    assert day == date(2026, 12, 1) and due == now  # already past eight: due at once
    early = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)  # 04:00 in Shanghai
    assert digest_slot(early, SHANGHAI) == (
        date(2026, 12, 1),
        datetime(2026, 12, 1, 0, 0, tzinfo=UTC),
    )


def test_digest_slot_after_noon_is_tomorrow() -> None:
    now = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai
    assert digest_slot(now, SHANGHAI) == (
        date(2026, 12, 2),
        datetime(2026, 12, 2, 0, 0, tzinfo=UTC),
    )


def test_next_working_morning_skips_the_weekend() -> None:
    friday_evening = datetime(2026, 12, 4, 11, 0, tzinfo=UTC)  # Friday 19:00 in Shanghai
    monday = next_working_morning(friday_evening, SHANGHAI)
    assert monday == datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    assert next_working_morning(friday_evening, "Europe/Berlin").time() == time(9, 0)


async def test_enqueue_digests_only_for_opted_in_hr_once(db: Database) -> None:
    await add_person(db, "liuyang", role="hr", digest=True)
    await add_person(db, "zhaolei", role="hr")
    await add_person(db, "lina", digest=True)  # an interviewer: no digest
    now = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)
    assert await enqueue_digests(db, now=now, default_zone=SHANGHAI) == 1
    assert await enqueue_digests(db, now=now + timedelta(minutes=10), default_zone=SHANGHAI) == 0
    rows = await db.fetch_all(sa.select(outbox.c.recipient, outbox.c.payload))
    assert [(r["recipient"], r["payload"]) for r in rows] == [("liuyang", {"date": "2026-12-01"})]


async def test_digest_is_sent_with_the_day_and_skipped_when_empty(
    db: Database, worker: OutboxWorker, drain: Drain, sandbox: SandboxControl, clock: FakeClock
) -> None:
    await add_person(db, "liuyang", role="hr", digest=True, locale="en")
    await add_person(db, "zhaolei", role="hr", digest=True, timezone="America/New_York")
    local_day = clock.now.astimezone(UTC).date()
    starts = datetime.combine(local_day, time(4, 0), tzinfo=UTC)  # 12:00 Shanghai
    await add_interview(db, panel=["zhangwei"], starts_at=starts)
    for userid in ("liuyang", "zhaolei"):
        payload = {"date": local_day.isoformat()}
        await enqueue(db, kind=DAILY_DIGEST, recipient=userid, payload=payload, dedupe=userid)
    await drain(worker)
    [card] = [m["body"] for m in sandbox.messages("liuyang")]
    assert card["main_title"]["title"] == "Today's interviews"
    assert card["horizontal_content_list"][0]["value"] == "王五 · Backend engineer"
    # In New York it starts at 23:00 the evening before: nothing on that date.
    assert sandbox.messages("zhaolei") == []
    assert (await statuses(db)) == {"sent": 1, "cancelled": 1}
