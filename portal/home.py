"""What the home page shows each person now: HR's day and what needs action, an interviewer's
next interview and the invitations they have not answered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from portal.db import dashboard
from portal.db.board import BoardEntry, list_for_day
from portal.db.dashboard import Attention
from portal.db.database import Database
from portal.db.interviews import InterviewDetail, list_for_person
from portal.db.outbox import dead_letter_count
from portal.db.rsvp_followup import awaiting_reply
from portal.interviews.notify import FEEDBACK_AFTER
from portal.scheduling import TERMINAL, Status, UtcRange
from portal.scheduling.rsvp_followup import rsvp_overdue

LIMIT = 20  # per list: the home page points at the work, the board does it
LOOK_BACK = timedelta(days=30)  # older missing scorecards are HR's records, not today's work
LOOK_AHEAD = timedelta(days=60)  # as far as the interviewer's own list looks
NO_REPLY_SCAN = 200  # pending replies read, the longest-waiting first, to find the late ones


@dataclass(frozen=True)
class HrDay:
    """Today's interviews and what waits on HR."""

    today: list[BoardEntry]
    reschedule_requests: list[Attention]
    declines: list[Attention]
    overdue_feedback: list[Attention]
    dead_letters: int
    no_reply: list[Attention] = field(default_factory=list)  # 2 working days, no RSVP

    @property
    def needs_action(self) -> bool:
        lists = (self.reschedule_requests, self.declines, self.overdue_feedback, self.no_reply)
        return self.dead_letters > 0 or any(lists)


@dataclass(frozen=True)
class MyNext:
    """One person's next interview on a panel and what they owe."""

    next_interview: InterviewDetail | None
    pending_replies: list[InterviewDetail]
    feedback_to_submit: list[Attention]

    @property
    def anything(self) -> bool:
        return bool(self.next_interview or self.pending_replies or self.feedback_to_submit)


async def hr_day(db: Database, *, today: UtcRange, now: datetime) -> HrDay:
    """HR's home: `today` is the viewer's local day."""
    found = await list_for_day(db, day_range=today, now=now)
    on_today = [e for e in found if e.status != Status.CANCELLED]
    return HrDay(
        today=on_today,
        reschedule_requests=await dashboard.open_reschedule_requests(db, limit=LIMIT),
        declines=await dashboard.declines(db, after=now, limit=LIMIT),
        overdue_feedback=await dashboard.overdue_feedback(
            db, ended_before=now - FEEDBACK_AFTER, since=now - LOOK_BACK, limit=LIMIT
        ),
        dead_letters=await dead_letter_count(db),
        no_reply=await no_reply(db, now=now),
    )


async def no_reply(db: Database, *, now: datetime) -> list[Attention]:
    """Panel members who have not replied for 2 working days to an interview still ahead."""
    waiting = await awaiting_reply(db, after=now, limit=NO_REPLY_SCAN)
    late = [w for w in waiting if rsvp_overdue(w.invited_at, now, w.zone)]
    late.sort(key=lambda w: (w.starts_at, w.interview_id, w.person_id))
    return [
        Attention(
            interview_id=w.interview_id,
            starts_at=w.starts_at,
            ends_at=w.ends_at,
            candidate_name=w.candidate_name,
            position_title=w.position_title,
            person_name=w.person_name,
            person_english_name=w.person_english_name,
        )
        for w in late[:LIMIT]
    ]


async def my_next(db: Database, person_id: int, *, now: datetime) -> MyNext:
    """An interviewer's home: the interview under way or next, replies still owed, and their
    scorecards overdue (the same hour's grace as the feedback reminder)."""
    found = await list_for_person(db, person_id, UtcRange(now, now + LOOK_AHEAD))
    coming = [i for i in found if i.status not in TERMINAL]
    pending = [i for i in coming if _reply(i, person_id) == "pending" and i.starts_at > now]
    going = [i for i in coming if _reply(i, person_id) != "declined"]
    return MyNext(
        next_interview=going[0] if going else None,
        pending_replies=pending[:LIMIT],
        feedback_to_submit=await dashboard.overdue_feedback(
            db,
            ended_before=now - FEEDBACK_AFTER,
            since=now - LOOK_BACK,
            limit=LIMIT,
            person_id=person_id,
        ),
    )


def _reply(detail: InterviewDetail, person_id: int) -> str | None:
    member = detail.member(person_id)
    return member.rsvp if member else None
