"""HR's availability grid: who is free across bookings, away blocks and hours; booking a slot."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import httpx
import sqlalchemy as sa
from bs4 import BeautifulSoup

from portal.db.interviews import get_detail
from portal.db.plans import insert_round
from portal.db.tables import interviews
from portal.interviews import unavailable
from portal.scheduling.kits import RoundFields
from portal.scheduling.rooms import RoomKind
from portal.scheduling.unavailable import AwayDraft
from tests.conftest import Auth
from tests.factories import World, add_interview
from tests.interviews.web import EN, post
from tests.support.html import attr, one, soup, text
from tests.support.when import MONDAY, NOW, local_at, local_day, next_weekday_at

NEXT_MONDAY = local_day(next_weekday_at(MONDAY, time(0), after=NOW))


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """`hour:minute` in Shanghai, `days` after next Monday."""
    return local_at(NEXT_MONDAY + timedelta(days=days), time(hour, minute))


def _query(world: World, *panel: str, **extra: str) -> dict[str, str | list[str]]:
    return {
        "position_id": str(world.position_id),
        "candidate_id": str(world.candidate_id),
        "start": NEXT_MONDAY.isoformat(),
        "interviewer_ids": [str(world[userid].id) for userid in panel],
        **extra,
    }


def _cell(page: BeautifulSoup, moment: datetime) -> tuple[str, str]:
    cell = one(page, f'td[data-starts="{moment.isoformat()}"]')
    return attr(cell, "class"), attr(cell, "title") if cell.get("title") else ""


async def _pool_round(world: World) -> int:
    pool = tuple(world[u].id for u in ("zhangwei", "lina", "sunhao"))
    fields = RoundFields("技术一面", 60, RoomKind.NONE, None, 1, (), (), pool)
    return await insert_round(world.db, world.position_id, fields, now=world.now)


async def test_the_grid_shows_who_is_free_across_bookings_blocks_and_hours(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    zhang, lina = world["zhangwei"].display_name, world["lina"].display_name
    await add_interview(world.db, panel=("zhangwei",), starts_at=at(2, 10), now=NOW)
    away = AwayDraft(at(3, 13), at(3, 18), "dentist")
    await unavailable.add(world.db, person=world["lina"], draft=away, now=NOW)
    response = await client.get(
        "/availability", params=_query(world, "zhangwei", "lina"), headers=EN
    )
    assert response.status_code == 200
    page = soup(response)
    assert _cell(page, at(0, 10)) == ("slot-bookable", f"{zhang}, {lina}")
    assert _cell(page, at(2, 10)) == ("slot-partial", lina)  # Zhang Wei booked (and buffer)
    assert _cell(page, at(2, 9)) == ("slot-partial", lina)  # the buffer before his interview
    assert _cell(page, at(3, 14)) == ("slot-partial", zhang)  # Lina away that afternoon
    assert _cell(page, at(5, 10)) == ("slot-none", "")  # Saturday: outside working hours
    assert [th.get_text().strip() for th in page.select("table.availability tbody th")][
        0
    ] == "09:00"
    assert not page.select(f'td[data-starts="{at(0, 17, 30).isoformat()}"]')  # ends past 18:00
    assert not page.select(f'td[data-starts="{at(0, 8, 30).isoformat()}"]')


async def test_the_best_time_is_everyone_free_and_least_loaded_first(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    round_id = await _pool_round(world)
    await add_interview(world.db, panel=("zhangwei", "lina"), starts_at=at(4, 15), now=NOW)
    await add_interview(world.db, panel=("zhangwei",), starts_at=at(3, 15), now=NOW)
    query = _query(world, plan_round_id=str(round_id))
    page = soup(await client.get("/availability", params=query, headers=EN))
    first = page.select("#best-times li.best-time")[0]
    said = first.get_text(" ", strip=True)
    assert world["sunhao"].display_name in said
    assert "everyone free" in said and "least loaded" in said and "in preferred hours" in said
    starts = attr(one(first, 'input[name="starts_at"]'), "value")
    assert starts == at(0, 10).isoformat()  # 09:00 is outside the preferred core
    panel = [attr(i, "value") for i in first.select('input[name="interviewer_ids"]')]
    assert panel == [str(world["sunhao"].id)]
    assert len(page.select("#best-times li.best-time")) == 5


async def test_booking_a_slot_creates_the_interview_with_the_suggested_panel(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    round_id = await _pool_round(world)
    query = _query(world, plan_round_id=str(round_id))
    page = soup(await client.get("/availability", params=query, headers=EN))
    form = one(page, "#best-times li.best-time form")
    inputs = [(attr(i, "name"), attr(i, "value")) for i in form.select("input")]
    data: dict[str, str | list[str]] = {k: v for k, v in inputs if k != "interviewer_ids"}
    data["interviewer_ids"] = [v for k, v in inputs if k == "interviewer_ids"]
    response = await post(client, await hr.csrf_token(), "/availability/book", data)
    assert response.status_code == 303
    interview_id = int(response.headers["location"].rsplit("/", 1)[1])
    detail = await get_detail(world.db, interview_id)
    assert detail is not None
    assert detail.interviewer_ids == (world["sunhao"].id,)
    assert detail.starts_at == at(0, 10)
    assert detail.plan_round_id == round_id and detail.round == 1
    assert detail.slot.duration == timedelta(minutes=60)


def _book_form(world: World, starts_at: datetime, *panel: str) -> dict[str, str | list[str]]:
    return {
        "candidate_id": str(world.candidate_id),
        "position_id": str(world.position_id),
        "plan_round_id": "",
        "duration": "60",
        "start": NEXT_MONDAY.isoformat(),
        "starts_at": starts_at.isoformat(),
        "interviewer_ids": [str(world[u].id) for u in panel],
    }


async def _count(world: World) -> int:
    query = sa.select(sa.func.count()).select_from(interviews)
    return int(await world.db.fetch_val(query))


async def test_a_slot_taken_meanwhile_is_refused_clearly_and_booked_once(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    await add_interview(world.db, panel=("zhangwei",), starts_at=at(0, 10), now=NOW)
    before = await _count(world)
    form = _book_form(world, at(0, 10), "zhangwei")
    response = await post(client, await hr.csrf_token(), "/availability/book", form)
    assert response.status_code == 409
    page = soup(response)
    assert text(page, "#grid-message") == (
        "Someone took this time a moment ago; here are the free times now."
    )
    assert _cell(page, at(0, 10))[0] == "slot-none"  # the fresh grid shows him busy
    assert await _count(world) == before


async def test_a_bad_start_is_refused(client: httpx.AsyncClient, hr: Auth, world: World) -> None:
    before = await _count(world)
    token = await hr.csrf_token()
    for bad in ("tomorrow", "2020-13-01T10:00", at(0, 10).replace(tzinfo=None).isoformat()):
        form = _book_form(world, at(0, 10), "zhangwei") | {"starts_at": bad}
        response = await post(client, token, "/availability/book", form)
        assert response.status_code == 422
        assert text(soup(response), "#grid-message") == "Choose a time from the grid."
    assert await _count(world) == before


async def test_interviewers_cannot_use_the_grid(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    assert (await client.get("/availability", headers=EN)).status_code == 403
    form = _book_form(world, at(0, 10), "zhangwei")
    response = await post(client, await interviewer.csrf_token(), "/availability/book", form)
    assert response.status_code == 403
    assert await _count(world) == 0
