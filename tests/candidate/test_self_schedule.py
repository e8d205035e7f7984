"""Candidate self-scheduling (issue 16): invitation, pick, one winner, move within policy."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from portal.db.database import Database
from portal.db.interviews import InterviewDetail, get_detail
from portal.db.plans import insert_round
from portal.db.self_schedules import get_self_schedule, self_schedule_for
from portal.db.share_links import get_link
from portal.db.tables import audit_log, interviews, outbox
from portal.db.unavailable import add_block
from portal.errors import Conflict
from portal.interviews.checks import BookingPolicy
from portal.notifications import kinds
from portal.scheduling import Slot, Status
from portal.scheduling.kits import RoundFields
from portal.scheduling.rooms import RoomKind
from portal.scheduling.self_schedule import MOVE_TOO_LATE, MOVES_USED, SelfScheduleDraft
from portal.share import choosing
from portal.share.opening import LinkGone, LinkNotFound, open_link
from portal.share.signing import sign_candidate_link
from tests.factories import World, add_interview, force_status, make_world
from tests.support.keys import TEST_SECRET_KEY
from tests.support.when import NOW, SHANGHAI, local_at

POLICY = BookingPolicy()


def invitation(world: World, *panel: str, size: int = 1) -> SelfScheduleDraft:
    return SelfScheduleDraft(
        candidate_id=world.candidate_id,
        position_id=world.position_id,
        plan_round_id=None,
        duration=timedelta(minutes=60),
        panel_size=size,
        interviewer_ids=tuple(world[userid].id for userid in panel),
        days=5,
        min_notice=timedelta(hours=24),
    )


async def invited(db: Database, world: World, *panel: str) -> choosing.OpenedChoice:
    sent = await choosing.invite(
        db, invitation(world, *panel), actor=world.hr("liuyang"), now=NOW, policy=POLICY
    )
    token = sign_candidate_link(sent.link_id, TEST_SECRET_KEY, now=NOW)
    return await choosing.open_choice(db, token, secret=TEST_SECRET_KEY, now=NOW)


async def test_a_pick_books_the_interview_on_the_same_link(db: Database) -> None:
    world = await make_world(db)
    opened = await invited(db, world, "zhangwei")
    options = await choosing.choice_slots(
        db, opened.schedule, zone="Europe/Berlin", now=NOW, policy=POLICY
    )
    assert options and all(o.slot.starts_at >= NOW + timedelta(hours=24) for o in options)
    chosen = options[0]
    detail = await choosing.pick(
        db, world.hub, opened, starts_at=chosen.slot.starts_at, zone="Europe/Berlin",
        now=NOW, policy=POLICY,
    )  # fmt: skip
    assert detail.slot == chosen.slot
    assert detail.interviewer_ids == (world["zhangwei"].id,)
    assert detail.status == Status.SCHEDULED
    link = await get_link(db, opened.link.id)
    assert link is not None and link.interview_id == detail.id
    schedule = await get_self_schedule(db, opened.schedule.id)
    assert schedule is not None and schedule.state == "booked"
    assert schedule.interview_id == detail.id
    token = sign_candidate_link(opened.link.id, TEST_SECRET_KEY, now=NOW)
    reopened = await open_link(db, token, secret=TEST_SECRET_KEY, now=NOW)
    assert reopened.interview.id == detail.id
    with pytest.raises(LinkNotFound):
        await choosing.open_choice(db, token, secret=TEST_SECRET_KEY, now=NOW)


async def test_the_second_pick_of_a_taken_time_is_refused(db: Database) -> None:
    world = await make_world(db)
    first = await invited(db, world, "zhangwei")
    second = await invited(db, world, "zhangwei")
    options = await choosing.choice_slots(
        db, first.schedule, zone="Asia/Shanghai", now=NOW, policy=POLICY
    )
    start = options[0].slot.starts_at
    await choosing.pick(
        db, world.hub, first, starts_at=start, zone="Asia/Shanghai", now=NOW, policy=POLICY
    )
    with pytest.raises(choosing.TimeTaken):
        await choosing.pick(
            db, world.hub, second, starts_at=start, zone="Asia/Shanghai", now=NOW, policy=POLICY
        )


# Helpers for the tests below ------------------------------------------------------------------

ZONE = "Asia/Shanghai"


async def open_slots(db: Database, opened: choosing.OpenedChoice) -> list[datetime]:
    options = await choosing.choice_slots(db, opened.schedule, zone=ZONE, now=NOW, policy=POLICY)
    return [o.slot.starts_at for o in options]


async def book(
    db: Database, world: World, opened: choosing.OpenedChoice, start: datetime
) -> InterviewDetail:
    return await choosing.pick(
        db, world.hub, opened, starts_at=start, zone=ZONE, now=NOW, policy=POLICY
    )


async def move_to(
    db: Database, world: World, link_id: int, start: datetime, *, now: datetime = NOW
) -> InterviewDetail:
    token = sign_candidate_link(link_id, TEST_SECRET_KEY, now=NOW)
    opened = await open_link(db, token, secret=TEST_SECRET_KEY, now=now)
    schedule = await self_schedule_for(db, opened.interview.id)
    assert schedule is not None
    return await choosing.move(
        db, world.hub, opened, schedule, starts_at=start, zone=ZONE, now=now, policy=POLICY,
        cutoff_hours=24, max_moves=2,
    )  # fmt: skip


async def move_options(db: Database, link_id: int, *, now: datetime = NOW) -> list[datetime]:
    token = sign_candidate_link(link_id, TEST_SECRET_KEY, now=NOW)
    opened = await open_link(db, token, secret=TEST_SECRET_KEY, now=now)
    schedule = await self_schedule_for(db, opened.interview.id)
    assert schedule is not None
    options = await choosing.choice_slots(
        db, schedule, zone=ZONE, now=now, policy=POLICY, moving=opened.interview.detail
    )
    return [o.slot.starts_at for o in options]


async def outbox_rows(db: Database, interview_id: int) -> list[tuple[str, str]]:
    found = await db.fetch_all(
        sa.select(outbox.c.kind, outbox.c.recipient)
        .where(outbox.c.interview_id == interview_id)
        .order_by(outbox.c.id)
    )
    return [(row["kind"], row["recipient"]) for row in found]


async def interview_count(db: Database) -> int:
    return int(await db.fetch_val(sa.select(sa.func.count()).select_from(interviews)))


def overlaps(start: datetime, slot: Slot, margin: timedelta) -> bool:
    return start < slot.ends_at + margin and start + HOUR > slot.starts_at - margin


HOUR = timedelta(hours=1)


# Picking --------------------------------------------------------------------------------------


async def test_a_round_pool_gives_the_least_loaded_free_people(db: Database) -> None:
    world = await make_world(db)
    pool = tuple(world[u].id for u in ("zhangwei", "lina", "sunhao"))
    fields = RoundFields("技术一面", 60, RoomKind.NONE, None, 2, (), (), pool)
    round_id = await insert_round(db, world.position_id, fields, now=NOW)
    # zhangwei already has an interview this week (another candidate's).
    await add_interview(db, panel=("zhangwei",), starts_in=timedelta(days=2))
    draft = replace(invitation(world, size=2), plan_round_id=round_id)
    sent = await choosing.invite(db, draft, actor=world.hr("liuyang"), now=NOW, policy=POLICY)
    token = sign_candidate_link(sent.link_id, TEST_SECRET_KEY, now=NOW)
    opened = await choosing.open_choice(db, token, secret=TEST_SECRET_KEY, now=NOW)
    options = await choosing.choice_slots(db, opened.schedule, zone=ZONE, now=NOW, policy=POLICY)
    lina, sunhao = world["lina"].id, world["sunhao"].id
    assert options and all(set(o.panel) == {lina, sunhao} for o in options)

    detail = await book(db, world, opened, options[0].slot.starts_at)
    assert set(detail.interviewer_ids) == {lina, sunhao}
    assert detail.plan_round_id == round_id
    assert detail.created_by == world["liuyang"].id
    sent_rows = await outbox_rows(db, detail.id)
    assert sorted(r for r in sent_rows if r[0] == kinds.INVITED) == sorted(
        [(kinds.INVITED, "lina"), (kinds.INVITED, "sunhao")]
    )
    assert [r for r in sent_rows if r[0] in kinds.HR_KINDS] == [(kinds.CANDIDATE_BOOKED, "liuyang")]
    actions = [
        (row["action"], row["actor_kind"], row["target_id"])
        for row in await db.fetch_all(sa.select(audit_log).order_by(audit_log.c.id))
    ]
    assert actions == [
        ("self_schedule_sent", "person", str(world.candidate_id)),
        ("self_schedule_booked", "candidate", str(detail.id)),
    ]


async def test_the_same_invitation_picked_twice_books_once(db: Database) -> None:
    world = await make_world(db)
    opened = await invited(db, world, "zhangwei")
    offered = await open_slots(db, opened)
    first = offered[0]
    second = next(s for s in offered if s >= first + timedelta(days=1))  # clear of the first
    await book(db, world, opened, first)
    with pytest.raises(choosing.AlreadyChosen):
        await book(db, world, opened, second)  # another tab, still showing the picker
    assert await interview_count(db) == 1
    schedule = await get_self_schedule(db, opened.schedule.id)
    assert schedule is not None and schedule.interview_id is not None
    detail = await get_detail(db, schedule.interview_id)
    assert detail is not None and detail.slot.starts_at == first


async def test_a_start_not_offered_is_refused(db: Database) -> None:
    world = await make_world(db)
    opened = await invited(db, world, "zhangwei")
    offered = await open_slots(db, opened)
    thursday = NOW.astimezone(SHANGHAI).date() + timedelta(days=2)
    refused = [
        local_at(thursday, time(3)),  # outside working hours
        (NOW + timedelta(hours=2)).replace(minute=0),  # inside the day's notice
        local_at(thursday + timedelta(days=14), time(10)),  # beyond the window
    ]
    for start in refused:
        assert start not in offered
        with pytest.raises(choosing.TimeTaken):
            await book(db, world, opened, start)
    assert await interview_count(db) == 0
    schedule = await get_self_schedule(db, opened.schedule.id)
    assert schedule is not None and schedule.state == "open"


async def test_withdrawn_links_stop_and_booked_ones_cannot_be_withdrawn(db: Database) -> None:
    world = await make_world(db)
    hr = world.hr("liuyang")
    gone = await invited(db, world, "zhangwei")
    assert await choosing.withdraw(db, gone.schedule.id, actor=hr, now=NOW)
    token = sign_candidate_link(gone.link.id, TEST_SECRET_KEY, now=NOW)
    with pytest.raises(LinkGone):
        await choosing.open_choice(db, token, secret=TEST_SECRET_KEY, now=NOW)
    schedule = await get_self_schedule(db, gone.schedule.id)
    assert schedule is not None and schedule.state == "withdrawn"

    kept = await invited(db, world, "zhangwei")
    detail = await book(db, world, kept, (await open_slots(db, kept))[0])
    assert not await choosing.withdraw(db, kept.schedule.id, actor=hr, now=NOW)
    link = await get_link(db, kept.link.id)
    assert link is not None and link.revoked_at is None and link.interview_id == detail.id


# Moving ---------------------------------------------------------------------------------------


async def test_a_move_within_policy_moves_the_interview(db: Database) -> None:
    world = await make_world(db)
    opened = await invited(db, world, "zhangwei")
    first = (await open_slots(db, opened))[0]
    detail = await book(db, world, opened, first)
    await force_status(db, detail.id, Status.CONFIRMED.value)
    later = [s for s in await move_options(db, opened.link.id) if s >= first + timedelta(days=1)]
    moved = await move_to(db, world, opened.link.id, later[0])
    assert moved.slot.starts_at == later[0]
    assert moved.status == Status.SCHEDULED
    assert moved.interviewer_ids == (world["zhangwei"].id,)
    rows = await outbox_rows(db, detail.id)
    assert (kinds.CANDIDATE_MOVED, "liuyang") in rows
    schedule = await get_self_schedule(db, opened.schedule.id)
    assert schedule is not None and schedule.moves == 1
    assert later[0] not in await move_options(db, opened.link.id)  # its own time is left out


async def test_moves_run_out(db: Database) -> None:
    world = await make_world(db)
    opened = await invited(db, world, "zhangwei")
    detail = await book(db, world, opened, (await open_slots(db, opened))[0])
    await move_to(db, world, opened.link.id, (await move_options(db, opened.link.id))[-1])
    await move_to(db, world, opened.link.id, (await move_options(db, opened.link.id))[0])
    before = await get_detail(db, detail.id)
    options = await move_options(db, opened.link.id)
    with pytest.raises(Conflict) as caught:
        await move_to(db, world, opened.link.id, options[0])
    assert caught.value.message == MOVES_USED
    after = await get_detail(db, detail.id)
    assert before is not None and after is not None and after.slot == before.slot
    schedule = await get_self_schedule(db, opened.schedule.id)
    assert schedule is not None and schedule.moves == 2


async def test_no_move_within_the_cutoff(db: Database) -> None:
    world = await make_world(db)
    opened = await invited(db, world, "zhangwei")
    first = (await open_slots(db, opened))[0]
    await book(db, world, opened, first)
    late = first - timedelta(hours=23)
    options = await move_options(db, opened.link.id, now=late)
    with pytest.raises(Conflict) as caught:
        await move_to(db, world, opened.link.id, options[-1], now=late)
    assert (caught.value.message, caught.value.params) == (MOVE_TOO_LATE, {"hours": 24})
    schedule = await get_self_schedule(db, opened.schedule.id)
    assert schedule is not None and schedule.moves == 0


# What hides a start ---------------------------------------------------------------------------


async def test_an_interviewers_away_block_hides_its_starts(db: Database) -> None:
    world = await make_world(db)
    opened = await invited(db, world, "zhangwei")
    before = await open_slots(db, opened)
    thursday = NOW.astimezone(SHANGHAI).date() + timedelta(days=2)
    away = Slot(local_at(thursday, time(13)), local_at(thursday, time(16)))
    hidden = [s for s in before if overlaps(s, away, timedelta(0))]
    assert hidden  # the block covers starts that were on offer
    await add_block(
        db, person_id=world["zhangwei"].id, starts_at=away.starts_at, ends_at=away.ends_at,
        note="Dentist", now=NOW,
    )  # fmt: skip
    after = await open_slots(db, opened)
    assert after == [s for s in before if s not in hidden]


async def test_the_candidates_own_interview_hides_overlapping_starts(db: Database) -> None:
    world = await make_world(db)
    opened = await invited(db, world, "zhangwei")
    before = await open_slots(db, opened)
    theirs = await world.interview(panel=("sunhao",))  # Thursday 10:00, another round
    slot = Slot.starting(
        (NOW + timedelta(days=2)).replace(second=0, microsecond=0), timedelta(minutes=60)
    )
    hidden = [s for s in before if overlaps(s, slot, POLICY.rules.buffer)]
    assert hidden and theirs.interview_id
    after = await open_slots(db, opened)
    assert after == [s for s in before if s not in hidden]
