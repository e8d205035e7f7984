from __future__ import annotations

from datetime import timedelta

from portal.db.board import list_for_day
from portal.db.database import Database
from portal.demo_data import seed_demo
from portal.scheduling import Status, today_range
from tests.factories import World
from tests.support.when import NOW

ZONE = "Asia/Shanghai"
AFTERNOON = NOW + timedelta(hours=3)  # 13:00 in Shanghai


async def test_seed_demo_books_today_and_the_week_once(world: World) -> None:
    made = await seed_demo(world.db, AFTERNOON, zone=ZONE)
    # Six of the nine plans have someone of this world (lina, zhangwei, sunhao) on the panel;
    # the others wait for people the contact sync has not brought in.
    assert made == 6
    assert await seed_demo(world.db, AFTERNOON, zone=ZONE) == 0
    today = await list_for_day(world.db, day_range=today_range(AFTERNOON, ZONE))
    statuses = [i.status for i in today]
    # 09:30 and 11:00 are over by 13:00; 14:00 is still to come.
    assert statuses == [Status.COMPLETED, Status.COMPLETED, Status.SCHEDULED]
    assert all(m.rsvp == "accepted" for i in today for m in i.panel)


async def test_seed_demo_waits_for_the_contact_sync(db: Database) -> None:
    assert await seed_demo(db, NOW, zone=ZONE) == 0
