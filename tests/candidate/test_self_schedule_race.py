"""Candidate self-scheduling (issue 16) under contention: many people take one time at once.

Every picker has a connection of its own to the same database (PostgreSQL: 20 pools; SQLite:
20 handles on one file), so the one-winner guarantee is the database's, not the event loop's.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.db.database import Database
from portal.db.self_schedules import get_self_schedule
from portal.db.tables import interview_interviewers, interviews
from portal.interviews import service
from portal.interviews.checks import BookingPolicy
from portal.scheduling import BookingConflict
from portal.scheduling.self_schedule import SelfScheduleDraft
from portal.share import choosing
from portal.share.signing import sign_candidate_link
from tests.factories import World, add_candidate, make_world
from tests.support.keys import TEST_SECRET_KEY
from tests.support.when import NOW

POLICY = BookingPolicy()
ZONE = "Asia/Shanghai"
PICKERS = 20


@asynccontextmanager
async def connections(url: str, count: int) -> AsyncIterator[list[Database]]:
    handles = [Database(url, max_size=1) for _ in range(count)]
    try:
        for handle in handles:
            await handle.connect()
        yield handles
    finally:
        for handle in handles:
            await handle.disconnect()


async def invite(db: Database, world: World, candidate_id: int) -> str:
    """A "choose your time" invitation for one hour with zhangwei; returns the link's token."""
    draft = SelfScheduleDraft(
        candidate_id=candidate_id,
        position_id=world.position_id,
        plan_round_id=None,
        duration=timedelta(minutes=60),
        panel_size=1,
        interviewer_ids=(world["zhangwei"].id,),
        days=5,
        min_notice=timedelta(hours=24),
    )
    sent = await choosing.invite(db, draft, actor=world.hr("liuyang"), now=NOW, policy=POLICY)
    return sign_candidate_link(sent.link_id, TEST_SECRET_KEY, now=NOW)


async def opened(db: Database, token: str) -> choosing.OpenedChoice:
    return await choosing.open_choice(db, token, secret=TEST_SECRET_KEY, now=NOW)


async def starts(db: Database, token: str) -> list[datetime]:
    choice = await opened(db, token)
    options = await choosing.choice_slots(db, choice.schedule, zone=ZONE, now=NOW, policy=POLICY)
    return [o.slot.starts_at for o in options]


async def pick(db: Database, world: World, token: str, start: datetime) -> int:
    choice = await opened(db, token)
    detail = await choosing.pick(
        db, world.hub, choice, starts_at=start, zone=ZONE, now=NOW, policy=POLICY
    )
    return detail.id


async def held_at(db: Database, person_id: int, start: datetime) -> list[int]:
    """The interviews holding the person's time at `start`."""
    ii = interview_interviewers
    rows = await db.fetch_all(
        sa.select(ii.c.interview_id).where(
            ii.c.person_id == person_id, ii.c.holds_slot.is_(True), ii.c.starts_at == start
        )
    )
    return [row["interview_id"] for row in rows]


async def test_twenty_candidates_pick_one_time_and_exactly_one_gets_it(db_url: str) -> None:
    async with connections(db_url, PICKERS) as handles:
        seed = handles[0]
        world = await make_world(seed)
        candidates = [world.candidate_id] + [
            await add_candidate(seed, f"候选人{n}", phone=None, email=None)
            for n in range(1, PICKERS)
        ]
        tokens = [await invite(seed, world, candidate) for candidate in candidates]
        start = (await starts(seed, tokens[0]))[0]
        results = await asyncio.gather(
            *(
                pick(handle, world, token, start)
                for handle, token in zip(handles, tokens, strict=True)
            ),
            return_exceptions=True,
        )
        won = [r for r in results if isinstance(r, int)]
        lost = [r for r in results if isinstance(r, choosing.TimeTaken)]
        assert len(won) == 1, results
        assert len(lost) == PICKERS - 1, [r for r in results if not isinstance(r, int)]

        zhang = world["zhangwei"].id
        assert await held_at(seed, zhang, start) == won
        count = await seed.fetch_val(sa.select(sa.func.count()).select_from(interviews))
        assert count == 1
        losers = [t for t, r in zip(tokens, results, strict=True) if not isinstance(r, int)]
        for handle, token in zip(handles, losers, strict=False):
            choice = await opened(handle, token)  # the link still works
            schedule = await get_self_schedule(handle, choice.schedule.id)
            assert schedule is not None and schedule.state == "open"
            assert schedule.interview_id is None
            fresh = await starts(handle, token)
            assert fresh and start not in fresh


async def test_a_pick_and_hrs_booking_of_the_same_time_one_wins(db_url: str) -> None:
    async with connections(db_url, 2) as (one, two):
        world = await make_world(one)
        other = await add_candidate(one, "李雷", phone=None, email=None)
        token = await invite(one, world, world.candidate_id)
        start = (await starts(one, token))[0]
        draft = world.draft(start, panel=("zhangwei",), candidate_id=other)
        results = await asyncio.gather(
            pick(one, world, token, start),
            service.create(two, world.hub, draft, actor=world.hr("zhaolei"), now=NOW),
            return_exceptions=True,
        )
        refused = [r for r in results if isinstance(r, choosing.TimeTaken | BookingConflict)]
        assert len(refused) == 1, results
        assert not [r for r in results if isinstance(r, BaseException) and r not in refused]
        booked = await held_at(one, world["zhangwei"].id, start)
        assert len(booked) == 1
        choice = await opened(one, token) if isinstance(results[0], BaseException) else None
        if choice is not None:  # HR won: the candidate's invitation waits for another time
            assert choice.schedule.state == "open"
            assert start not in await starts(one, token)
