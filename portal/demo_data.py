"""Demo data: positions, candidates and a week of interviews across the demo interviewers.

`seed_demo` books through the same use cases as HR does (so the outbox, history and panel
rows are real) and is idempotent: it does nothing once any interview exists, or while the
people it needs have not been synced from WeCom yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from portal.db.candidates import CandidateFields
from portal.db.database import Database
from portal.db.interviews import count_interviews
from portal.db.people import Person, get_person_by_userid
from portal.db.positions import PositionFields
from portal.demo_plans import seed_plans
from portal.interviews import service
from portal.interviews.checks import BookingPolicy
from portal.live import LiveEvent
from portal.records import save_candidate, save_position
from portal.scheduling import (
    Actor,
    ActorKind,
    InterviewDraft,
    InvalidTransition,
    Slot,
    Status,
    local_date,
    local_to_utc,
)
from portal.scheduling.rooms import RoomKind

HR_USERID = "liuyang"
# Engineers get a technical room (coding pad); the others a video room, both in the sandbox.
POSITIONS = (
    ("后端工程师", RoomKind.TECHNICAL),
    ("前端工程师", RoomKind.TECHNICAL),
    ("产品经理", RoomKind.NON_TECHNICAL),
    ("用户体验设计师", RoomKind.NON_TECHNICAL),
)
CANDIDATES = ("王小明", "陈静", "林峰", "黄丽", "赵强", "孙悦", "周航", "吴雪")


@dataclass(frozen=True)
class Plan:
    day: int  # days from today
    at: time
    minutes: int
    position: int
    candidate: int
    panel: tuple[str, ...]
    round: int = 1


PLANS = (
    Plan(0, time(9, 30), 60, 0, 0, ("zhangwei", "lina")),
    Plan(0, time(11, 0), 45, 0, 1, ("sunhao",), 2),
    Plan(0, time(14, 0), 60, 1, 2, ("wangfang", "zhangwei")),
    Plan(0, time(15, 30), 45, 2, 3, ("zhoujie",)),
    Plan(0, time(16, 30), 60, 3, 4, ("wuxin", "maxiaoyu")),
    Plan(1, time(10, 0), 60, 0, 5, ("lina", "zhengyu")),
    Plan(1, time(15, 0), 45, 2, 6, ("zhoujie", "sunhao"), 2),
    Plan(2, time(10, 30), 60, 1, 7, ("wangfang",)),
    Plan(3, time(14, 0), 60, 0, 1, ("zhangwei", "sunhao"), 3),
)


class _Quiet:
    """Nobody watches a board while the demo seeds it."""

    async def publish(self, event: LiveEvent) -> None:
        return None


async def seed_demo(
    db: Database, now: datetime, *, zone: str = "Asia/Shanghai", rooms: bool = False
) -> int:
    """Book the demo week (today in `zone` first); returns how many interviews were made.

    With `rooms` (the demo's platform sandbox), each interview's room is queued as HR's
    booking would queue it, and the rooms worker makes it."""
    hr = await get_person_by_userid(db, HR_USERID)
    if hr is None or await count_interviews(db) > 0:
        return 0
    people = {
        p.wecom_userid: p for p in [await get_person_by_userid(db, u) for u in _userids()] if p
    }
    positions = [
        await save_position(db, None, PositionFields(title, None, None, room_kind=kind), now=now)
        for title, kind in POSITIONS
    ]
    await seed_plans(db, positions, actor=Actor.person(hr, ActorKind.HR), now=now)
    candidates = [
        await save_candidate(db, None, CandidateFields(name, None, None), now=now)
        for name in CANDIDATES
    ]
    made = 0
    today = local_date(now, zone)
    for plan in PLANS:
        panel = [people[u] for u in plan.panel if u in people and people[u].active]
        if panel:
            draft = _draft(plan, today, zone, positions, candidates, panel)
            await _book(db, draft, hr, panel, now, BookingPolicy(platform_rooms=rooms))
            made += 1
    return made


def _userids() -> list[str]:
    return sorted({userid for plan in PLANS for userid in plan.panel})


def _draft(
    plan: Plan,
    today: date,
    zone: str,
    positions: list[int],
    candidates: list[int],
    panel: list[Person],
) -> InterviewDraft:
    local = datetime.combine(today + timedelta(days=plan.day), plan.at)
    slot = Slot.starting(local_to_utc(local, zone), timedelta(minutes=plan.minutes))
    return InterviewDraft(
        candidate_id=candidates[plan.candidate],
        new_candidate=None,
        position_id=positions[plan.position],
        round=plan.round,
        slot=slot,
        timezone=zone,
        interviewer_ids=tuple(p.id for p in panel),
        room_url=None,  # the room is made on the platform (sandbox) after booking
        location=None,
        notes=None,
        candidate_prep=None,
        hide_interviewers=False,
        override=True,  # the demo plan is known to be free; never let a warning stop it
        version=None,
    )


async def _book(
    db: Database,
    draft: InterviewDraft,
    hr: Person,
    panel: list[Person],
    now: datetime,
    policy: BookingPolicy,
) -> None:
    """Book as if HR did it the day before, then play the day up to `now`."""
    booked_at = min(now, draft.slot.starts_at) - timedelta(days=1)
    quiet = _Quiet()
    detail = await service.create(
        db, quiet, draft, actor=Actor.person(hr, ActorKind.HR), now=booked_at, policy=policy
    )
    for member in panel:
        await service.respond(
            db,
            quiet,
            interview_id=detail.id,
            actor=Actor.person(member, ActorKind.INTERVIEWER),
            accept=True,
            reason=None,
            now=booked_at,
        )
    for target in (Status.IN_PROGRESS, Status.COMPLETED):
        try:
            await service.change_status(
                db,
                quiet,
                interview_id=detail.id,
                target=target,
                actor=Actor.person(panel[0], ActorKind.INTERVIEWER),
                now=now,
            )
        except InvalidTransition:
            return  # not started yet (or still running): leave it where the clock has it
        if now < draft.slot.ends_at:
            return
