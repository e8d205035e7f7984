from __future__ import annotations

from datetime import timedelta

from portal.db.board import list_for_day
from portal.db.database import Database
from portal.demo_data import seed_demo
from portal.scheduling import Status, today_range
from tests.interviews.support import NOW, World

ZONE = "Asia/Shanghai"
AFTERNOON = NOW + timedelta(hours=3)  # 13:00 in Shanghai


async def test_seed_demo_books_today_and_the_week_once(world: World) -> None:
    made = await seed_demo(world.db, AFTERNOON, zone=ZONE)
    assert made >= 5  # lina, zhangwei and sunhao exist in this world; others are skipped
    assert await seed_demo(world.db, AFTERNOON, zone=ZONE) == 0
    today = await list_for_day(world.db, day_range=today_range(AFTERNOON, ZONE))
    statuses = [i.status for i in today]
    assert statuses[:2] == [Status.COMPLETED, Status.COMPLETED]
    assert Status.SCHEDULED in statuses
    assert all(m.rsvp == "accepted" for i in today for m in i.panel)


async def test_seed_demo_waits_for_the_contact_sync(db: Database) -> None:
    assert await seed_demo(db, NOW, zone=ZONE) == 0
