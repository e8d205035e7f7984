"""Scheduling offers the next round of the position's plan, with its defaults and its pool."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa

from portal.db.database import Database
from portal.db.interviews import get_detail
from portal.db.plans import insert_round
from portal.db.tables import applications, interviews, people
from portal.interviews import round_offer, service
from portal.platform.sandbox import DEMO_API_KEY, DEMO_WEBHOOK_SECRET
from portal.scheduling.kits import RoundFields
from portal.scheduling.rooms import RoomKind
from portal.settings import Settings
from tests.conftest import Auth, SettingsFactory
from tests.factories import World, add_position
from tests.interviews.web import EN, HTMX, interview_form, post
from tests.support.html import attr, one, soup, text
from tests.support.platform import PlatformControl

PAPER = "paper-arch-1"


@pytest.fixture
def settings(make_settings: SettingsFactory, db_url: str, platform: PlatformControl) -> Settings:
    """The platform is configured: the form offers room kinds and papers."""
    return make_settings(
        db_url,
        PLATFORM_API_BASE=platform.base_url,
        PLATFORM_API_KEY=DEMO_API_KEY,
        PLATFORM_WEBHOOK_SECRET=DEMO_WEBHOOK_SECRET,
    )


def _fields(
    name: str, minutes: int, kind: RoomKind, *, pool: tuple[int, ...] = (), size: int = 1
) -> RoundFields:
    paper = PAPER if kind is RoomKind.TECHNICAL else None
    return RoundFields(name, minutes, kind, paper, size, (), (), pool)


async def _plan(world: World, position_id: int | None = None) -> list[int]:
    """技术一面 (45 min, technical, pool 张伟 + 孙浩, 2 wanted), HR 面 (30 min, non-technical)."""
    position = position_id or world.position_id
    pool = (world["zhangwei"].id, world["sunhao"].id)
    first = await insert_round(
        world.db,
        position,
        _fields("技术一面", 45, RoomKind.TECHNICAL, pool=pool, size=2),
        now=world.now,
    )
    second = await insert_round(
        world.db, position, _fields("HR 面", 30, RoomKind.NON_TECHNICAL), now=world.now
    )
    return [first, second]


async def _book(world: World, number: int, *, days: int = 1) -> int:
    draft = world.draft(world.now + timedelta(days=days), panel=("lina",))
    draft = replace(draft, round=number)
    detail = await service.create(
        world.db, world.hub, draft, actor=world.hr("liuyang"), now=world.now
    )
    return detail.id


async def test_a_new_candidate_is_offered_round_one_with_its_active_pool(
    db: Database, world: World
) -> None:
    first, _ = await _plan(world)
    await db.execute(people.update().where(people.c.id == world["sunhao"].id).values(active=False))
    offer = await round_offer.offer(db, None, world.position_id)
    assert offer.number == 1
    assert offer.plan_round is not None and offer.plan_round.id == first
    assert [m.person_id for m in offer.pool] == [world["zhangwei"].id]
    assert not offer.exhausted
    same = await round_offer.offer(db, world.candidate_id, world.position_id)
    assert same.plan_round is not None and same.plan_round.id == first


async def test_after_round_one_round_two_and_a_cancelled_round_is_offered_again(
    db: Database, world: World
) -> None:
    _, second = await _plan(world)
    await _book(world, 1)
    offer = await round_offer.offer(db, world.candidate_id, world.position_id)
    assert (offer.number, offer.plan_round and offer.plan_round.id) == (2, second)
    assert offer.pool == ()
    booked = await _book(world, 2, days=2)
    assert (await round_offer.offer(db, world.candidate_id, world.position_id)).number == 3
    await db.execute(
        interviews.update().where(interviews.c.id == booked).values(status="cancelled")
    )
    again = await round_offer.offer(db, world.candidate_id, world.position_id)
    assert (again.number, again.plan_round and again.plan_round.id) == (2, second)


async def test_an_advanced_application_and_an_exhausted_plan(db: Database, world: World) -> None:
    await _plan(world)
    await insert_round(db, world.position_id, _fields("终面", 60, RoomKind.NONE), now=world.now)
    await db.execute(
        applications.insert().values(
            candidate_id=world.candidate_id,
            position_id=world.position_id,
            next_round=3,
            created_at=world.now,
            updated_at=world.now,
        )
    )
    offer = await round_offer.offer(db, world.candidate_id, world.position_id)
    assert offer.number == 3 and offer.plan_round is not None
    assert offer.plan_round.name == "终面" and not offer.exhausted
    await _book(world, 3)
    extra = await round_offer.offer(db, world.candidate_id, world.position_id)
    assert (extra.number, extra.plan_round, extra.exhausted) == (4, None, True)


async def test_without_a_plan_the_next_number_and_no_plan_round(db: Database, world: World) -> None:
    offer = await round_offer.offer(db, world.candidate_id, world.position_id)
    assert (offer.number, offer.plan_round, offer.exhausted, offer.plan) == (1, None, False, ())
    await _book(world, 1)
    assert (await round_offer.offer(db, world.candidate_id, world.position_id)).number == 2


async def test_booking_as_a_plan_round_takes_its_duration_number_room_and_paper(
    client: httpx.AsyncClient, hr: Auth, db: Database, world: World
) -> None:
    _, second = await _plan(world)
    first = (await _plan(world, await add_position(db, "Other", now=world.now)))[0]
    del first
    token = await hr.csrf_token()
    fields = interview_form(world, world.now + timedelta(days=1), plan_round_id=str(second))
    fields |= {"duration": "", "round": ""}
    response = await post(client, token, "/interviews", fields)
    assert response.status_code == 303, response.text
    detail = await get_detail(db, int(response.headers["location"].rsplit("/", 1)[1]))
    assert detail is not None
    assert (detail.plan_round_id, detail.round, detail.round_name) == (second, 2, "HR 面")
    assert detail.slot.duration == timedelta(minutes=30)
    assert (detail.room_kind, detail.room_paper_uid) == ("non_technical", None)
    page = soup(await client.get(f"/interviews/{detail.id}", headers=EN))
    assert "HR 面" in text(page, "h1")


async def test_a_technical_plan_round_brings_its_paper_unless_hr_chose_a_room(
    client: httpx.AsyncClient, hr: Auth, db: Database, world: World
) -> None:
    first, _ = await _plan(world)
    token = await hr.csrf_token()
    fields = interview_form(world, world.now + timedelta(days=1), plan_round_id=str(first))
    response = await post(client, token, "/interviews", fields)
    detail = await get_detail(db, int(response.headers["location"].rsplit("/", 1)[1]))
    assert detail is not None
    assert (detail.room_kind, detail.room_paper_uid, detail.round) == ("technical", PAPER, 1)
    chosen = {**fields, "room_kind": "none"}
    chosen["date"] = (world.now + timedelta(days=2)).date().isoformat()
    response = await post(client, token, "/interviews", chosen)
    other = await get_detail(db, int(response.headers["location"].rsplit("/", 1)[1]))
    assert other is not None and (other.room_kind, other.plan_round_id) == ("none", first)


async def test_another_positions_plan_round_is_refused(
    client: httpx.AsyncClient, hr: Auth, db: Database, world: World
) -> None:
    foreign = (await _plan(world, await add_position(db, "Other", now=world.now)))[0]
    token = await hr.csrf_token()
    fields = interview_form(world, world.now + timedelta(days=1), plan_round_id=str(foreign))
    response = await post(client, token, "/interviews", fields)
    assert response.status_code == 422
    assert text(soup(response), "#plan_round_id-error") == "Choose one of the options."
    assert await db.fetch_val(sa.select(sa.func.count()).select_from(interviews)) == 0


async def test_editing_keeps_or_changes_the_plan_round(
    client: httpx.AsyncClient, hr: Auth, db: Database, world: World
) -> None:
    first, second = await _plan(world)
    token = await hr.csrf_token()
    fields = interview_form(world, world.now + timedelta(days=1), plan_round_id=str(first))
    response = await post(client, token, "/interviews", fields)
    interview_id = int(response.headers["location"].rsplit("/", 1)[1])
    edit = soup(await client.get(f"/interviews/{interview_id}/edit", headers=EN))
    assert attr(one(edit, "#plan-round-id option[selected]"), "value") == str(first)
    changed = {**fields, "plan_round_id": str(second), "version": "1"}
    response = await post(client, token, f"/interviews/{interview_id}/edit", changed)
    assert response.status_code == 303, response.text
    detail = await get_detail(db, interview_id)
    assert detail is not None and detail.plan_round_id == second


async def test_the_new_form_prefilled_from_the_query_offers_the_round_and_its_pool(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    first, _ = await _plan(world)
    query = {"candidate_id": str(world.candidate_id), "position_id": str(world.position_id)}
    page = soup(await client.get("/interviews/new", params=query, headers=EN))
    assert attr(one(page, "#candidate-id option[selected]"), "value") == str(world.candidate_id)
    assert attr(one(page, "#position-id option[selected]"), "value") == str(world.position_id)
    picked = one(page, "#plan-round-id option[selected]")
    assert (attr(picked, "value"), picked.get_text()) == (str(first), "Round 1 · 技术一面 · 45 min")
    assert attr(one(page, "#round"), "value") == "1"
    assert attr(one(page, "#duration"), "value") == "45"
    assert attr(one(page, "#room-kind option[selected]"), "value") == "technical"
    assert attr(one(page, "#room-paper option[selected]"), "value") == PAPER
    assert "needs 2 interviewers" in text(page, "#round-defaults")
    chips = {attr(b, "value") for b in page.select("#round-block .pool-option")}
    assert chips == {str(world["zhangwei"].id), str(world["sunhao"].id)}
    assert page.select("#picked-interviewers input") == []  # suggestions are not pre-ticked


async def test_bad_query_params_are_ignored(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    await _plan(world)
    for query in (
        {"candidate_id": "abc", "position_id": "99999999999"},
        {"candidate_id": "999999", "position_id": "-1"},
        {"position_id": "1e3"},
    ):
        response = await client.get("/interviews/new", params=query, headers=EN)
        assert response.status_code == 200
        page = soup(response)
        assert page.select("#position-id option[selected]") == []
        assert [o.get("value") for o in page.select("#plan-round-id option")] == [""]
    fragment = await client.get(
        "/interviews/round-offer", params={"position_id": "x"}, headers=HTMX
    )
    assert fragment.status_code == 200
    assert [o.get("value") for o in soup(fragment).select("#plan-round-id option")] == [""]


async def test_the_round_offer_fragment_re_renders_the_round_block(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    first, second = await _plan(world)
    await _book(world, 1)
    base = {"candidate_id": str(world.candidate_id), "position_id": str(world.position_id)}
    # The position or candidate changed: the next round is offered, with its defaults.
    response = await client.get("/interviews/round-offer", params=base, headers=HTMX)
    fragment = soup(response)
    assert fragment.select("form") == [] and one(fragment, "#round-block")
    assert attr(one(fragment, "#plan-round-id option[selected]"), "value") == str(second)
    assert attr(one(fragment, "#round"), "value") == "2"
    assert attr(one(fragment, "#duration"), "hx-swap-oob") == "true"
    assert attr(one(fragment, "#duration"), "value") == "30"
    # The same round already chosen: what HR typed in the form is left alone.
    same = await client.get(
        "/interviews/round-offer",
        params={**base, "plan_round_id": str(second), "round": "7"},
        headers=HTMX,
    )
    kept = soup(same)
    assert attr(one(kept, "#round"), "value") == "7" and kept.select("#duration") == []
    # HR picks round 1 from the select.
    picked = await client.get(
        "/interviews/round-offer",
        params={**base, "plan_round_id": str(first), "picked": "1"},
        headers=HTMX,
    )
    page = soup(picked)
    assert attr(one(page, "#round"), "value") == "1"
    assert attr(one(page, "#duration"), "value") == "45"
    assert attr(one(page, "#room-fields"), "hx-swap-oob") == "true"
    assert len(page.select(".pool-option")) == 2
    # And "No plan round".
    none = soup(
        await client.get(
            "/interviews/round-offer",
            params={**base, "plan_round_id": "", "picked": "1"},
            headers=HTMX,
        )
    )
    assert none.select("#plan-round-id option[selected]") == []
    assert none.select(".pool-option") == [] and none.select("#duration") == []


async def test_a_panel_smaller_than_the_round_wants_is_a_soft_warning(
    client: httpx.AsyncClient, hr: Auth, db: Database, world: World
) -> None:
    first, _ = await _plan(world)
    token = await hr.csrf_token()
    fields = interview_form(
        world, world.now + timedelta(days=1), panel=("zhangwei",), plan_round_id=str(first)
    )
    check = await post(client, token, "/interviews/check", fields, **HTMX)
    assert text(soup(check), ".panel-size") == "This round wants 2 interviewers; 1 chosen."
    two = interview_form(world, world.now + timedelta(days=1), plan_round_id=str(first))
    assert (
        soup(await post(client, token, "/interviews/check", two, **HTMX)).select(".panel-size")
        == []
    )
    response = await post(client, token, "/interviews", fields)
    assert response.status_code == 303  # never refused


async def test_the_board_row_names_the_round(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    first, _ = await _plan(world)
    token = await hr.csrf_token()
    fields = interview_form(world, world.now + timedelta(hours=3), plan_round_id=str(first))
    assert (await post(client, token, "/interviews", fields)).status_code == 303
    page = soup(await client.get("/board", headers=EN))
    assert "技术一面" in text(page, "table.board tbody tr[id] td[data-label=Round]")
