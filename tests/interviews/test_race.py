"""The double-booking guarantee on PostgreSQL: the database refuses what the app check missed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from asgi_lifespan import LifespanManager

from portal.app import create_app
from portal.db.candidates import CandidateFields, insert_candidate
from portal.db.database import Database
from portal.db.interview_writes import SlotTaken, insert_interview, put_on_panel
from portal.interviews import service
from portal.scheduling import BookingConflict
from tests.conftest import Auth, SettingsFactory
from tests.interviews.support import NOW, WEDNESDAY_10, World, make_world
from tests.interviews.web import interview_form, post
from tests.support import databases
from tests.support.sandbox import SandboxControl

# The web layer books against the real clock: a weekday morning well ahead of it.
FUTURE = WEDNESDAY_10 + timedelta(weeks=520)


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
    first = await service.create(pg, world.hub, world.draft(), actor=world["liuyang"], now=NOW)
    zhang = world["zhangwei"].id
    with pytest.raises(SlotTaken) as caught:
        async with pg.transaction():  # straight to the table, past the application's check
            other = await _bare_interview(pg, world)
            await put_on_panel(pg, other, [zhang], first.slot, overrides=())
    assert caught.value.person_id == zhang


async def test_exclusion_constraint_lets_an_override_through(pg: Database) -> None:
    world = await make_world(pg)
    first = await service.create(pg, world.hub, world.draft(), actor=world["liuyang"], now=NOW)
    async with pg.transaction():
        other = await _bare_interview(pg, world)
        await put_on_panel(
            pg, other, [world["zhangwei"].id], first.slot, overrides={world["zhangwei"].id}
        )


async def test_concurrent_bookings_of_one_interviewer_exactly_one_wins(pg_url: str) -> None:
    one, two = Database(pg_url), Database(pg_url)
    await one.connect()
    await two.connect()
    try:
        world = await make_world(one)
        other = await insert_candidate(one, CandidateFields("李雷", None, None), now=NOW)
        drafts = [
            world.draft(panel=("zhangwei",)),
            world.draft(panel=("zhangwei",), candidate_id=other),
        ]
        results = await asyncio.gather(
            service.create(one, world.hub, drafts[0], actor=world["liuyang"], now=NOW),
            service.create(two, world.hub, drafts[1], actor=world["zhaolei"], now=NOW),
            return_exceptions=True,
        )
    finally:
        await one.disconnect()
        await two.disconnect()
    refused = [r for r in results if isinstance(r, BookingConflict)]
    assert len(refused) == 1, results
    assert not [r for r in results if isinstance(r, BaseException) and r not in refused]
    assert refused[0].conflicts[0].person_id == world["zhangwei"].id


async def _bare_interview(db: Database, world: World) -> int:
    draft = world.draft()
    values = {
        "candidate_id": world.candidate_id,
        "position_id": world.position_id,
        "round": 2,
        "starts_at": draft.slot.starts_at,
        "ends_at": draft.slot.ends_at,
        "timezone": "UTC",
    }
    return await insert_interview(db, values, actor_id=world["liuyang"].id, now=NOW)


async def test_concurrent_form_posts_for_one_slot_exactly_one_books(
    pg_url: str, make_settings: SettingsFactory, wecom: SandboxControl
) -> None:
    db = Database(pg_url)
    await db.connect()
    try:
        world = await make_world(db)
        other = await insert_candidate(db, CandidateFields("李雷", None, None), now=NOW)
        app = create_app(make_settings(pg_url))
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
                auth = Auth(http, wecom)
                await auth.login_as(userid)
                form = interview_form(world, FUTURE, panel=("zhangwei",))
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
