"""The HR morning digest: who gets it, when, and what it holds."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from portal.clock import FrozenClock
from portal.db.database import Database
from portal.db.outbox import enqueue
from portal.db.tables import outbox
from portal.notifications.digest import digest_slot, enqueue_digests
from portal.notifications.followups import next_working_morning
from portal.notifications.kinds import DAILY_DIGEST
from portal.notifications.worker import OutboxWorker
from tests.factories import add_candidate, add_interview, add_person, add_position
from tests.notifications.conftest import Drain, statuses
from tests.support.sandbox import SandboxControl
from tests.support.when import FRIDAY, MONDAY, NOW, days_after, local_at, local_day, next_weekday_at

SHANGHAI = "Asia/Shanghai"
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def test_digest_slot_before_noon_is_today_at_eight() -> None:
    now = days_after(NOW, 0, time(8, 30))  # 08:30 in Shanghai
    day, due = digest_slot(now, SHANGHAI)
    assert day == local_day(NOW) and due == now  # already past eight: due at once
    early = days_after(NOW, 0, time(4, 0))  # 04:00 in Shanghai
    assert digest_slot(early, SHANGHAI) == (local_day(NOW), days_after(NOW, 0, time(8, 0)))


def test_digest_slot_after_noon_is_tomorrow() -> None:
    now = days_after(NOW, 0, time(14, 0))  # 14:00 in Shanghai
    assert digest_slot(now, SHANGHAI) == (local_day(NOW, 1), days_after(NOW, 1, time(8, 0)))


def test_next_working_morning_skips_the_weekend() -> None:
    friday_evening = next_weekday_at(FRIDAY, time(19, 0), after=NOW)  # Friday 19:00 in Shanghai
    monday = next_weekday_at(MONDAY, time(10, 0), after=friday_evening)
    assert next_working_morning(friday_evening, SHANGHAI) == monday
    # Ten o'clock in Berlin on that Monday, CET or CEST.
    in_berlin = next_working_morning(friday_evening, "Europe/Berlin")
    assert in_berlin == local_at(local_day(monday), time(10, 0), BERLIN)


async def test_enqueue_digests_only_for_opted_in_hr_once(db: Database) -> None:
    await add_person(db, "liuyang", role="hr", digest=True)
    await add_person(db, "zhaolei", role="hr")
    await add_person(db, "lina", digest=True)  # an interviewer: no digest
    now = days_after(NOW, 0, time(8, 30))  # 08:30 in Shanghai
    assert await enqueue_digests(db, now=now, default_zone=SHANGHAI) == 1
    assert await enqueue_digests(db, now=now + timedelta(minutes=10), default_zone=SHANGHAI) == 0
    rows = await db.fetch_all(sa.select(outbox.c.recipient, outbox.c.payload))
    expected = [("liuyang", {"date": local_day(NOW).isoformat()})]
    assert [(r["recipient"], r["payload"]) for r in rows] == expected


async def test_digest_is_sent_with_the_day_and_skipped_when_empty(
    db: Database, worker: OutboxWorker, drain: Drain, sandbox: SandboxControl, clock: FrozenClock
) -> None:
    await add_person(db, "liuyang", role="hr", digest=True, locale="en")
    await add_person(db, "zhaolei", role="hr", digest=True, timezone="America/New_York")
    day = local_day(clock.now())  # the digest's date, in Shanghai
    # 11:00 in Shanghai is 03:00 UTC: 22:00 (EST) or 23:00 (EDT) the evening before in New
    # York, so on the previous New York date in standard and in daylight saving time alike.
    starts = days_after(clock.now(), 0, time(11, 0))
    assert starts.astimezone(NEW_YORK).date() == day - timedelta(days=1)
    candidate = await add_candidate(db, "王五")
    position = await add_position(db, "Backend engineer")
    await add_interview(
        db, panel=["zhangwei"], starts_at=starts, candidate_id=candidate, position_id=position
    )
    for userid in ("liuyang", "zhaolei"):
        payload = {"date": day.isoformat()}
        await enqueue(
            db,
            kind=DAILY_DIGEST,
            recipient=userid,
            payload=payload,
            dedupe=userid,
            now=clock.now(),
        )
    await drain(worker)
    [card] = [m["body"] for m in sandbox.messages("liuyang")]
    assert card["main_title"]["title"] == "Today's interviews"
    assert card["horizontal_content_list"][0] == {
        "keyname": "11:00\u202fAM",
        "value": "王五 · Backend engineer",
    }
    # In New York it starts the evening before: nothing on that date.
    assert sandbox.messages("zhaolei") == []
    assert (await statuses(db)) == {"sent": 1, "cancelled": 1}
