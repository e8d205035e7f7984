"""The double-booking guarantee on PostgreSQL: the database refuses what the app check missed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from asgi_lifespan import LifespanManager

from portal.app import create_app
from portal.clock import FrozenClock
from portal.db.database import Database
from portal.db.interview_writes import SlotTaken, put_on_panel
from portal.db.tables import interview_interviewers
from portal.interviews import service
from portal.scheduling import BookingConflict
from tests.conftest import Auth, SettingsFactory
from tests.factories import WEDNESDAY_10, World, add_candidate, make_world
from tests.interviews.web import interview_form, post
from tests.support import databases
from tests.support.sandbox import SandboxControl
from tests.support.when import NOW


@pytest.fixture
def pg_url(postgres_url: str) -> str:
    databases.truncate_postgres(postgres_url)
    return postgres_url


@pytest.fixture
async def pg(pg_url: str) -> AsyncIterator[Database]:
    db = Database(pg_url)
    await db.connect()
    yield db
    await db.disconnect()


async def test_exclusion_constraint_refuses_an_unchecked_overlap(pg: Database) -> None:
    world = await make_world(pg)
    first = await service.create(pg, world.hub, world.draft(), actor=world.hr("liuyang"), now=NOW)
    zhang = world["zhangwei"].id
    with pytest.raises(SlotTaken) as caught:
        async with pg.transaction():  # straight to the table, past the application's check
            other = await _bare_interview(world)
            await put_on_panel(pg, other, [zhang], first.slot, overrides=())
    assert caught.value.person_id == zhang


async def test_exclusion_constraint_lets_an_override_through(pg: Database) -> None:
    world = await make_world(pg)
    first = await service.create(pg, world.hub, world.draft(), actor=world.hr("liuyang"), now=NOW)
    zhang = world["zhangwei"].id
    async with pg.transaction():
        other = await _bare_interview(world)
        await put_on_panel(pg, other, [zhang], first.slot, overrides={zhang})
    ii = interview_interviewers
    held = await pg.fetch_all(sa.select(ii).where(ii.c.interview_id == other))
    assert [
        (r["person_id"], r["starts_at"], r["holds_slot"], r["overlap_override"]) for r in held
    ] == [(zhang, first.slot.starts_at, True, True)]


async def test_concurrent_bookings_of_one_interviewer_exactly_one_wins(pg_url: str) -> None:
    one, two = Database(pg_url), Database(pg_url)
    await one.connect()
    await two.connect()
    try:
        world = await make_world(one)
        other = await add_candidate(one, "李雷", phone=None, email=None)
        drafts = [
            world.draft(panel=("zhangwei",)),
            world.draft(panel=("zhangwei",), candidate_id=other),
        ]
        results = await asyncio.gather(
            service.create(one, world.hub, drafts[0], actor=world.hr("liuyang"), now=NOW),
            service.create(two, world.hub, drafts[1], actor=world.hr("zhaolei"), now=NOW),
            return_exceptions=True,
        )
    finally:
        await one.disconnect()
        await two.disconnect()
    refused = [r for r in results if isinstance(r, BookingConflict)]
    assert len(refused) == 1, results
    assert not [r for r in results if isinstance(r, BaseException) and r not in refused]
    assert refused[0].conflicts[0].person_id == world["zhangwei"].id


async def _bare_interview(world: World) -> int:
    """An interview nobody is on the panel of yet (the test adds them past the check)."""
    return (await world.interview(panel=())).interview_id


async def test_concurrent_form_posts_for_one_slot_exactly_one_books(
    pg_url: str, make_settings: SettingsFactory, sandbox: SandboxControl, clock: FrozenClock
) -> None:
    db = Database(pg_url)
    await db.connect()
    try:
        world = await make_world(db)
        other = await add_candidate(db, "李雷", phone=None, email=None)
        app = create_app(make_settings(pg_url), clock=clock)
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            clients = [
                httpx.AsyncClient(transport=transport, base_url="http://testserver")
                for _ in range(2)
            ]
            forms = []
            for http, (userid, candidate) in zip(
                clients, [("liuyang", world.candidate_id), ("zhaolei", other)], strict=True
            ):
                auth = Auth(http, sandbox)
                await auth.login_as(userid)
                form = interview_form(world, WEDNESDAY_10, panel=("zhangwei",))
                forms.append(
                    (http, await auth.csrf_token(), form | {"candidate_id": str(candidate)})
                )
            responses = await asyncio.gather(
                *(post(http, token, "/interviews", form) for http, token, form in forms)
            )
            for http in clients:
                await http.aclose()
    finally:
        await db.disconnect()
    assert sorted(r.status_code for r in responses) == [303, 422]
    refused = next(r for r in responses if r.status_code == 422)
    assert "already has an interview at this time" in refused.text
