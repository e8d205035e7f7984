"""Share link rows: created with the interview, expiry follows it, regenerate and revoke."""

from __future__ import annotations

from datetime import timedelta

from portal.db import share_links
from portal.db.database import Database
from portal.db.reschedule_requests import (
    Window,
    add_request,
    mark_handled,
    open_reschedule_requests,
)
from tests.candidate.support import interview_row, utcnow
from tests.factories import World


async def test_create_link_defaults_to_24_hours_after_end(world: World) -> None:
    booked = await world.interview()
    link = await share_links.get_link(world.db, booked.link_id)
    row = await interview_row(world.db, booked.interview_id)
    assert link is not None and link.interview_id == booked.interview_id
    assert link.expires_at == row["ends_at"] + timedelta(hours=24)
    assert link.state(utcnow()) == "active" and link.is_usable(utcnow())
    assert link.state(link.expires_at) == "expired"


async def test_active_link_for_returns_newest_unrevoked(world: World) -> None:
    booked = await world.interview()
    new_id = await share_links.regenerate(
        world.db, interview_id=booked.interview_id, created_by=None, grace_hours=2, now=utcnow()
    )
    current = await share_links.active_link_for(world.db, booked.interview_id)
    old = await share_links.get_link(world.db, booked.link_id)
    assert current is not None and current.id == new_id != booked.link_id
    assert old is not None and old.state(utcnow()) == "revoked"
    row = await interview_row(world.db, booked.interview_id)
    assert current.expires_at == row["ends_at"] + timedelta(hours=2)


async def test_regenerate_unknown_interview_returns_none(db: Database) -> None:
    assert await share_links.regenerate(db, interview_id=999, created_by=None, now=utcnow()) is None
    assert await share_links.interview_ends_at(db, 999) is None


async def test_revoke_leaves_no_active_link(world: World) -> None:
    booked = await world.interview()
    assert await share_links.revoke(world.db, interview_id=booked.interview_id, at=utcnow()) == 1
    assert await share_links.revoke(world.db, interview_id=booked.interview_id, at=utcnow()) == 0
    assert await share_links.active_link_for(world.db, booked.interview_id) is None


async def test_extend_for_interview_follows_new_end(world: World) -> None:
    booked = await world.interview()
    row = await interview_row(world.db, booked.interview_id)
    new_end = row["ends_at"] + timedelta(weeks=4)  # rescheduled four weeks later
    await share_links.extend_for_interview(world.db, booked.interview_id, new_end, grace_hours=48)
    link = await share_links.get_link(world.db, booked.link_id)
    assert link is not None and link.expires_at == new_end + timedelta(hours=48)
    assert link.state(utcnow()) == "active"


async def test_open_reschedule_requests_newest_unhandled_per_interview(world: World) -> None:
    first, second = await world.interview(), await world.interview(starts_in=timedelta(days=3))
    now = utcnow()
    window = Window(now + timedelta(days=4), now + timedelta(days=4, hours=1))
    for message in ("one", "two"):
        await add_request(
            world.db,
            interview_id=first.interview_id,
            link_id=first.link_id,
            windows=[window],
            timezone="Europe/London",
            message=message,
            now=now,
        )
    found = await open_reschedule_requests(world.db, [first.interview_id, second.interview_id])
    assert list(found) == [first.interview_id]
    assert found[first.interview_id].message == "two"
    assert found[first.interview_id].windows == (window,)
    assert (
        await mark_handled(world.db, interview_id=first.interview_id, handled_by=None, at=now) == 2
    )
    assert await open_reschedule_requests(world.db, [first.interview_id]) == {}
    assert await open_reschedule_requests(world.db, []) == {}
