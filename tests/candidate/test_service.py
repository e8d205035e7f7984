"""The candidate use cases without HTTP: live events after commit, rules, rate limits."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import timedelta

import pytest

from portal.db import share_link_hits
from portal.db.reschedule_requests import open_reschedule_requests
from portal.live import LiveEvent, Subscription
from portal.scheduling import Status
from portal.share import ratelimit, service
from portal.share.opening import LinkGone, LinkNotFound, open_link
from portal.share.page import actions_for, can_request_reschedule, display_zone
from tests.candidate.support import utcnow
from tests.factories import World
from tests.support.keys import TEST_SECRET_KEY


class Recorder:
    """A broadcaster that remembers what was published."""

    def __init__(self) -> None:
        self.events: list[LiveEvent] = []

    async def publish(self, event: LiveEvent) -> None:
        self.events.append(event)

    def subscribe(self) -> AbstractAsyncContextManager[Subscription]:  # pragma: no cover
        raise NotImplementedError


async def test_confirm_publishes_status_event_after_commit(world: World) -> None:
    booked = await world.interview()
    opened = await open_link(world.db, booked.token, secret=TEST_SECRET_KEY, now=utcnow())
    hub = Recorder()
    await service.confirm(world.db, hub, opened, timezone=None, now=utcnow())
    assert len(hub.events) == 1
    event = hub.events[0]
    assert (event.interview_id, event.kind) == (booked.interview_id, "status")
    assert event.event_id is not None


async def test_cancel_and_reschedule_publish_their_kinds(world: World) -> None:
    from portal.scheduling import RescheduleRequest, Slot

    booked = await world.interview()
    now = utcnow()
    opened = await open_link(world.db, booked.token, secret=TEST_SECRET_KEY, now=now)
    hub = Recorder()
    slot = Slot(now + timedelta(days=4), now + timedelta(days=4, hours=1))
    request = RescheduleRequest((slot,), "Asia/Shanghai", None)
    await service.request_reschedule(world.db, hub, opened, request, now=now)
    await service.cancel(world.db, hub, opened, reason=None, cutoff_hours=24, now=now)
    assert [event.kind for event in hub.events] == ["reschedule_request", "cancelled"]
    assert await open_reschedule_requests(world.db, [booked.interview_id]) == {}


async def test_open_link_refuses_unknown_and_dead(world: World) -> None:
    booked = await world.interview()
    now = utcnow()
    with pytest.raises(LinkNotFound):
        await open_link(world.db, "nope", secret=TEST_SECRET_KEY, now=now)
    with pytest.raises(LinkGone):
        await open_link(world.db, booked.token, secret=TEST_SECRET_KEY, now=now + timedelta(days=9))


async def test_rate_limit_counts_across_actions_per_link(world: World) -> None:
    booked = await world.interview()
    now = utcnow()
    for _ in range(ratelimit.ANY_ACTION.attempts):
        await ratelimit.admit(world.db, link_id=booked.link_id, action="confirm", now=now)
    with pytest.raises(ratelimit.TooManyAttempts):
        await ratelimit.admit(world.db, link_id=booked.link_id, action="cancel", now=now)
    later = now + ratelimit.ANY_ACTION.window + timedelta(seconds=1)
    await ratelimit.admit(world.db, link_id=booked.link_id, action="confirm", now=later)
    since = later - ratelimit.ANY_ACTION.window
    counted = await share_link_hits.count_hits(
        world.db, link_id=booked.link_id, since=since, action=None
    )
    assert counted == 1  # admitted: the window has moved past the earlier attempts


async def test_page_actions_follow_rules(world: World) -> None:
    booked = await world.interview(starts_in=timedelta(hours=5))
    opened = await open_link(world.db, booked.token, secret=TEST_SECRET_KEY, now=utcnow())
    actions = actions_for(opened.interview, utcnow(), cancel_hours=24)
    assert actions.confirm and actions.reschedule and not actions.cancel
    assert not actions.check_in and not actions.join and actions.any_open
    relaxed = actions_for(opened.interview, utcnow(), cancel_hours=2)
    assert relaxed.cancel
    zone = display_zone("Europe/Paris", opened.interview, "Asia/Shanghai")
    assert zone == ("Europe/Paris", "browser")
    assert display_zone(None, opened.interview, "Asia/Shanghai") == ("Asia/Shanghai", "company")


def test_can_request_reschedule_not_after_check_in_or_start() -> None:
    now = utcnow()
    start = now + timedelta(hours=1)
    assert can_request_reschedule(now, status=Status.CONFIRMED, starts_at=start)
    assert not can_request_reschedule(now, status=Status.CHECKED_IN, starts_at=start)
    assert not can_request_reschedule(
        start, status=Status.SCHEDULED, starts_at=start - timedelta(1)
    )
    assert not can_request_reschedule(now, status=Status.CANCELLED, starts_at=start)
