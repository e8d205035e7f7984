"""Demo data: positions with their plans, candidates, and a week of interviews (two days
back to three ahead) across the demo interviewers, with scorecards on the past ones.

`seed_demo` books through the same use cases as HR does (so the outbox, history and panel
rows are real) and is idempotent: it does nothing once any interview exists, or while the
people it needs have not been synced from WeCom yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from portal.db.candidates import CandidateFields
from portal.db.database import Database
from portal.db.interviews import count_interviews, get_detail
from portal.db.people import Person, get_person_by_userid
from portal.db.plans import PlanRound, list_rounds
from portal.db.positions import PositionFields
from portal.demo_plans import seed_plans
from portal.demo_resumes import RESUMES, resume_pdf
from portal.demo_self_schedule import seed_self_schedule
from portal.interviews import service
from portal.interviews.checks import BookingPolicy
from portal.interviews.scorecards import kit_areas, save_structured
from portal.live import LiveEvent
from portal.records import save_candidate, save_position
from portal.resumes import upload
from portal.scheduling import (
    Actor,
    ActorKind,
    InterviewDraft,
    InvalidTransition,
    Recommendation,
    Slot,
    Status,
    local_date,
    local_to_utc,
)
from portal.scheduling.rooms import RoomKind
from portal.scheduling.scorecards import AreaScore, StructuredCard

HR_USERID = "liuyang"
# Engineers get a technical room (coding pad); the others a video room, both in the sandbox.
POSITIONS = (
    ("后端工程师", RoomKind.TECHNICAL),
    ("前端工程师", RoomKind.TECHNICAL),
    ("产品经理", RoomKind.NON_TECHNICAL),
    ("用户体验设计师", RoomKind.NON_TECHNICAL),
)
CANDIDATES = ("王小明", "陈静", "林峰", "黄丽", "赵强", "孙悦", "周航", "吴雪", "郑涛")
# Their addresses: the demo's own mail server (/_mail) shows what each one was sent.
EMAILS = (
    "wangxiaoming", "chenjing", "linfeng", "huangli", "zhaoqiang", "sunyue", "zhouhang",
    "wuxue", "zhengtao",
)  # fmt: skip


@dataclass(frozen=True)
class Card:
    """A submitted demo scorecard: a rating per focus area of the round, in kit order."""

    ratings: tuple[int, ...]
    recommendation: Recommendation
    notes: str


@dataclass(frozen=True)
class DemoInterview:
    day: int  # days from today
    at: time
    minutes: int
    position: int
    candidate: int
    panel: tuple[str, ...]
    round: int = 1  # booked as that round of the position's plan
    cards: tuple[tuple[str, Card], ...] = ()  # (userid, card) submitted after it ended


GOOD = Card((3, 4, 3), Recommendation.YES, "基础扎实，沟通清楚，建议进入下一轮。")
STRONG = Card((4, 3, 4), Recommendation.STRONG_YES, "解题思路清晰，代码质量高，强烈推荐。")
MIXED = Card((3, 2, 3), Recommendation.YES, "编码不错，系统设计经验偏少，可在二面重点考察。")

DEMO_WEEK = (
    # Round 1 held two days ago: both cards in, ready for HR's decision on the debrief.
    DemoInterview(-2, time(10, 0), 60, 0, 8, ("zhangwei", "sunhao"), 1,
                  (("zhangwei", STRONG), ("sunhao", GOOD))),
    # Round 1 held yesterday: one card in, the other overdue (HR can nudge from the debrief).
    DemoInterview(-1, time(14, 0), 60, 0, 0, ("lina", "zhengyu"), 1, (("lina", MIXED),)),
    DemoInterview(0, time(9, 30), 60, 0, 0, ("zhangwei", "lina"), 2),
    DemoInterview(0, time(11, 0), 45, 0, 1, ("sunhao",), 2),
    DemoInterview(0, time(14, 0), 60, 1, 2, ("wangfang", "zhangwei")),
    DemoInterview(0, time(15, 30), 45, 2, 3, ("zhoujie",)),
    DemoInterview(0, time(16, 30), 60, 3, 4, ("wuxin", "maxiaoyu")),
    DemoInterview(1, time(10, 0), 60, 0, 5, ("lina", "zhengyu")),
    DemoInterview(1, time(15, 0), 45, 2, 6, ("zhoujie", "sunhao"), 2),
    DemoInterview(2, time(10, 30), 60, 1, 7, ("wangfang",)),
    DemoInterview(3, time(14, 0), 60, 0, 1, ("zhangwei", "sunhao"), 3),
)  # fmt: skip


class _Quiet:
    """Nobody watches a board while the demo seeds it."""

    async def publish(self, event: LiveEvent) -> None:
        return None


async def seed_demo(
    db: Database,
    now: datetime,
    *,
    zone: str = "Asia/Shanghai",
    rooms: bool = False,
    mail: bool = False,
) -> int:
    """Book the demo week (today in `zone` first); returns how many interviews were made.

    With `rooms` (the demo's platform sandbox), each interview's room is queued as HR's
    booking would queue it, and the rooms worker makes it; with `mail` (the demo's mail
    server), candidates are mailed about their bookings as HR's would be."""
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
    hr_actor = Actor.person(hr, ActorKind.HR)
    await seed_plans(db, positions, actor=hr_actor, now=now)
    candidates = [
        await save_candidate(
            db, None, CandidateFields(name, None, f"{handle}@example.com"), now=now
        )
        for name, handle in zip(CANDIDATES, EMAILS, strict=True)
    ]
    for name, candidate_id in zip(CANDIDATES, candidates, strict=True):
        if name in RESUMES:
            pdf = resume_pdf(RESUMES[name])
            await upload(db, candidate_id, f"{name}-简历.pdf", pdf, actor=hr_actor, now=now)
    made = 0
    today = local_date(now, zone)
    for demo in DEMO_WEEK:
        panel = [people[u] for u in demo.panel if u in people and people[u].active]
        if panel:
            plan = await list_rounds(db, positions[demo.position])
            plan_round = plan[demo.round - 1] if demo.round <= len(plan) else None
            draft = _draft(demo, today, zone, positions, candidates, panel, plan_round)
            interview_id = await _book(
                db, draft, hr, panel, now, BookingPolicy(platform_rooms=rooms, candidate_mail=mail)
            )
            await _score(db, interview_id, demo, people, now)
            made += 1
    await seed_self_schedule(db, positions, actor=hr_actor, now=now, mail=mail)
    return made


def working_day(today: date, offset: int) -> date:
    """The `offset`th working day (Monday to Friday) from `today`; 0 is today itself, so the
    board always has today's interviews, and the rest of the week avoids the weekend."""
    day, step = today, 1 if offset > 0 else -1
    for _ in range(abs(offset)):
        day += timedelta(days=step)
        while day.weekday() >= 5:
            day += timedelta(days=step)
    return day


def _userids() -> list[str]:
    return sorted({userid for demo in DEMO_WEEK for userid in demo.panel})


def _draft(
    demo: DemoInterview,
    today: date,
    zone: str,
    positions: list[int],
    candidates: list[int],
    panel: list[Person],
    plan_round: PlanRound | None,
) -> InterviewDraft:
    local = datetime.combine(working_day(today, demo.day), demo.at)
    slot = Slot.starting(local_to_utc(local, zone), timedelta(minutes=demo.minutes))
    return InterviewDraft(
        candidate_id=candidates[demo.candidate],
        new_candidate=None,
        position_id=positions[demo.position],
        round=demo.round,
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
        plan_round_id=plan_round.id if plan_round else None,
    )


async def _book(
    db: Database,
    draft: InterviewDraft,
    hr: Person,
    panel: list[Person],
    now: datetime,
    policy: BookingPolicy,
) -> int:
    """Book as if HR did it the day before, then play the day up to `now`; the interview id."""
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
            break  # not started yet (or still running): leave it where the clock has it
        if now < draft.slot.ends_at:
            break
    return detail.id


async def _score(
    db: Database, interview_id: int, demo: DemoInterview, people: dict[str, Person], now: datetime
) -> None:
    """Submit the demo's scorecards for an interview that is over, against its round's kit."""
    detail = await get_detail(db, interview_id)
    if detail is None or detail.status is not Status.COMPLETED:
        return
    areas = await kit_areas(db, detail) or ()
    for userid, card in demo.cards:
        if userid not in people:
            continue
        scores = {
            area.key: AreaScore(rating, None)
            for area, rating in zip(areas, card.ratings, strict=False)
        }
        await save_structured(
            db,
            _Quiet(),
            interview_id=interview_id,
            person_id=people[userid].id,
            card=StructuredCard(scores, card.recommendation, card.notes, submit=True),
            now=now,
        )
