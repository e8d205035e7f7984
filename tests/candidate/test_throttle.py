"""Guessing share-link tokens (issue 14, item 7): a per-client limit on links that do not work.

Past the limit every /c/ request of that client gets the same 429 page, whatever its token, so
the throttle tells a guesser nothing about which tokens are real; invalid and revoked links
count alike and take the same path.
"""

from __future__ import annotations

from datetime import timedelta
from typing import cast

import httpx

from portal.clock import FrozenClock
from portal.db import share_links
from portal.web.core.throttle import FailureLimit
from portal.web.share.pages import LINK_FAILURE_LIMIT, LINK_FAILURE_WINDOW
from tests.candidate.support import utcnow
from tests.factories import World
from tests.support.html import one, soup, text

EN = {"Accept-Language": "en"}


async def use_up(client: httpx.AsyncClient, how_many: int = LINK_FAILURE_LIMIT) -> None:
    for attempt in range(how_many):
        response = await client.get(f"/c/guess-{attempt}", headers=EN)
        assert response.status_code == 404


def section(response: httpx.Response) -> str:
    """The page's own part (the rest names the page's path, for the language switch)."""
    return str(one(soup(response), "#link-throttled"))


def other_client(client: httpx.AsyncClient, host: str) -> httpx.AsyncClient:
    """A client from another address on the same running app."""
    app = cast(httpx.ASGITransport, client._transport).app
    transport = httpx.ASGITransport(app=app, client=(host, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_throttle_invalid_tokens_past_the_limit_get_429_with_retry_after(
    client: httpx.AsyncClient, world: World, clock: FrozenClock
) -> None:
    booked = await world.interview()
    await use_up(client)
    blocked = await client.get("/c/one-more-guess", headers=EN)
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= LINK_FAILURE_WINDOW.total_seconds()
    assert blocked.headers["Cache-Control"] == "no-store"
    page = soup(blocked)
    assert text(page, "#link-throttled h1") == "Too many links that do not work were opened."
    # No oracle: a real link from the blocked client gets the very same answer.
    real = await client.get(booked.path, headers=EN)
    assert (real.status_code, section(real)) == (429, section(blocked))
    clock.advance(LINK_FAILURE_WINDOW)
    assert (await client.get(booked.path, headers=EN)).status_code == 200


async def test_throttle_revoked_links_count_like_invalid_ones(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview()
    await share_links.revoke(world.db, interview_id=booked.interview_id, at=utcnow())
    await use_up(client, LINK_FAILURE_LIMIT - 1)
    assert (await client.get(booked.path, headers=EN)).status_code == 410
    after_revoked = await client.get(booked.path, headers=EN)
    after_invalid = await client.get("/c/guess-x", headers=EN)
    assert after_revoked.status_code == after_invalid.status_code == 429
    assert section(after_revoked) == section(after_invalid)
    assert after_revoked.headers["Retry-After"] == after_invalid.headers["Retry-After"]


async def test_throttle_is_per_client(client: httpx.AsyncClient, world: World) -> None:
    booked = await world.interview()
    await use_up(client)
    assert (await client.get(booked.path, headers=EN)).status_code == 429
    async with other_client(client, "10.0.0.2") as other:
        assert (await other.get(booked.path, headers=EN)).status_code == 200


async def test_throttle_htmx_gets_the_inline_429(client: httpx.AsyncClient, world: World) -> None:
    booked = await world.interview()
    await use_up(client)
    response = await client.get(booked.path, headers=EN | {"HX-Request": "true"})
    assert response.status_code == 429
    assert response.headers["HX-Retarget"] == "#flash"
    assert response.headers["Retry-After"].isdigit()


def test_failure_limit_forgets_old_windows_and_stays_bounded() -> None:
    limit = FailureLimit(limit=2, window=timedelta(minutes=1), max_clients=3)
    now = utcnow()
    for client in ("a", "b", "c", "d", "e"):
        limit.failed(client, now)
    assert len(limit) == 3  # the oldest clients are forgotten first
    limit.failed("e", now)
    assert limit.retry_after("e", now + timedelta(seconds=20)) == 40
    assert limit.retry_after("d", now) is None  # one failure: under the limit
    assert limit.retry_after("e", now + timedelta(minutes=1)) is None
