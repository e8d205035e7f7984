"""HR's load page: interviews per interviewer in three windows, the busiest 30%, the chart."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import httpx
from bs4 import BeautifulSoup

from portal.clock import FrozenClock
from portal.db.interview_writes import set_rsvp
from tests.conftest import Auth
from tests.factories import World, add_interview, add_person, force_status
from tests.interviews.web import EN
from tests.support.html import attr, one, soup, text
from tests.support.when import local_at, local_day


async def _mid_month(clock: FrozenClock, auth: Auth) -> datetime:
    """HR signed in on a Tuesday 10:00 from the 9th on, so this month began before this week.

    The clock moves first: a session from before the move would have run out."""
    while local_day(clock.now()).day < 9:
        clock.advance(timedelta(days=7))
    await auth.login_as("liuyang")
    return clock.now()


async def _seed(world: World, now: datetime) -> dict[str, int]:
    db = world.db
    monday = now - timedelta(days=1)
    first_of_month = local_at(local_day(now).replace(day=1), time(10))
    this_week = await add_interview(db, panel=("zhangwei", "lina"), starts_at=monday, now=now)
    await add_interview(db, panel=("zhangwei",), starts_at=first_of_month, now=now)
    await add_interview(db, panel=("zhangwei",), starts_at=now - timedelta(days=80), now=now)
    await add_interview(db, panel=("zhangwei",), starts_at=now - timedelta(days=100), now=now)
    cancelled = await add_interview(
        db, panel=("zhangwei",), starts_at=monday + timedelta(hours=2), now=now
    )
    await force_status(db, cancelled.interview_id, "cancelled")
    no_show = await add_interview(
        db, panel=("sunhao",), starts_at=now - timedelta(days=40), now=now
    )
    await force_status(db, no_show.interview_id, "no_show")
    lina = world["lina"].id
    an_hour_ago = now - timedelta(hours=1)
    await set_rsvp(
        db, this_week.interview_id, lina, rsvp="declined", reason="Away", now=an_hour_ago
    )
    return {userid: world[userid].id for userid in ("zhangwei", "lina", "sunhao")}


def _counts(page: BeautifulSoup, person_id: int) -> tuple[int, ...]:
    row = one(page, f"#load-{person_id}")
    cells = ("week", "month", "recent", "declines", "no-shows")
    return tuple(int(text(row, f"td.{cell}")) for cell in cells)


async def test_load_counts_each_window_declines_and_no_shows(
    client: httpx.AsyncClient, auth: Auth, world: World, clock: FrozenClock
) -> None:
    ids = await _seed(world, await _mid_month(clock, auth))
    page = soup(await client.get("/load", headers=EN))
    assert _counts(page, ids["zhangwei"]) == (1, 2, 3, 0, 0)
    assert _counts(page, ids["lina"]) == (0, 0, 0, 1, 0)
    assert _counts(page, ids["sunhao"]) == (0, 0, 1, 0, 1)
    assert len(page.select("table.load tbody tr")) == 3  # HR has no seats: not listed
    assert text(page, "#load-share") == (
        "The busiest 30% of interviewers (1 of 3) carried 75% of the last 90 days' interviews."
    )


async def test_load_lists_interviewers_with_nothing_and_sorts_by_column(
    client: httpx.AsyncClient, auth: Auth, world: World, clock: FrozenClock
) -> None:
    ids = await _seed(world, await _mid_month(clock, auth))
    idle = await add_person(world.db, "idle", name="Idle", now=clock.now())
    page = soup(await client.get("/load", headers=EN))
    order = [attr(row, "id") for row in page.select("table.load tbody tr")]
    assert order[0] == f"load-{ids['zhangwei']}"  # busiest of the last 90 days first
    assert _counts(page, idle.id) == (0, 0, 0, 0, 0)
    by_declines = soup(await client.get("/load?sort=declines", headers=EN))
    assert attr(one(by_declines, "table.load tbody tr"), "id") == f"load-{ids['lina']}"
    assert attr(one(by_declines, "th[aria-sort] a"), "href") == "/load?sort=declines"


async def test_load_chart_draws_a_bar_per_interviewer_with_escaped_names(
    client: httpx.AsyncClient, auth: Auth, world: World, clock: FrozenClock
) -> None:
    now = await _mid_month(clock, auth)
    await _seed(world, now)
    await add_person(world.db, "eve", name="<b>Eve</b>", now=now)
    response = await client.get("/load", headers=EN)
    svg = one(soup(response), ".load-chart svg")
    assert attr(svg, "role") == "img" and attr(svg, "aria-label")
    assert len(svg.select("rect.bar")) == 4 and len(svg.select("g > title")) == 4
    assert svg.find("b") is None and "&lt;b&gt;Eve&lt;/b&gt;" in response.text
    widths = [int(attr(bar, "width")) for bar in svg.select("rect.bar")]
    assert widths[0] > widths[1] and widths[-1] == 0  # scaled to the busiest; zero is no bar
    assert not svg.select("[style]")
    assert "3 in the last 90 days" in svg.select("title")[0].get_text()


async def test_load_with_no_interviews_says_so(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    page = soup(await client.get("/load", headers=EN))
    assert text(page, "#load-share") == "Nobody has interviewed in the last 90 days."
    assert len(page.select("table.load tbody tr")) == 3


async def test_load_is_linked_from_hr_navigation(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    page = soup(await client.get("/week", headers=EN))
    assert page.select('nav a[href="/load"]')


async def test_load_refuses_an_interviewer(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    assert (await client.get("/load", headers=EN)).status_code == 403


async def test_load_speaks_chinese(
    client: httpx.AsyncClient, auth: Auth, world: World, clock: FrozenClock
) -> None:
    await _seed(world, await _mid_month(clock, auth))
    page = soup(await client.get("/load", headers={"Accept-Language": "zh-CN"}))
    assert text(page, "#load-share") == (
        "最忙的 30% 面试官（3 人中的 1 人）承担了过去 90 天 75% 的面试。"
    )
