"""Test data, written through the portal's own queries: one way to seed every test.

- People: `add_person` (a WeCom member as the directory sync stores them, plus their own
  settings), `person_id` (the id of someone already there).
- HR's records: `add_position`, `add_candidate`.
- Interviews: `add_interview` books the rows HR's booking writes (the interview, its panel and
  the candidate's link) and returns them as `Booked`, with the link's signed token. It leaves
  out what the booking use case adds around them (status history, notices, live event), so a
  test sees only what it does itself. To go through the use case, book `World.draft(...)` with
  `portal.interviews.service.create`.
- `make_world`: the usual cast (HR liuyang and zhaolei; interviewers zhangwei, lina and sunhao),
  a position and a candidate, as a `World`; `world.interview(...)` books for that candidate.
- The outbox: `queue` (a message as a domain action enqueues it); feedback: `add_feedback`.
- `force_*`: states the app never writes itself, each saying why a test wants it.

Time: every builder stamps its rows with `now`, default `NOW` (where the frozen `clock`
fixture starts), and puts interviews relative to it. Only tests that start real `portal`
subprocesses, which run on the machine clock, pass `now=portal.clock.SYSTEM_CLOCK.now()`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from portal.db.candidates import CandidateFields, insert_candidate
from portal.db.database import Database
from portal.db.feedback import write_feedback
from portal.db.interview_writes import insert_interview, put_on_panel
from portal.db.outbox import dedupe_key, enqueue
from portal.db.people import (
    MemberProfile,
    Person,
    get_person_by_userid,
    set_preferences,
    upsert_member,
)
from portal.db.positions import PositionFields, insert_position
from portal.db.share_links import create_link, link_expiry
from portal.db.tables import interviews, outbox, share_links
from portal.i18n import DEFAULT_LANGUAGE
from portal.live import LiveEvent
from portal.scheduling import Actor, ActorKind, InterviewDraft, Scorecard, Slot
from portal.share.signing import sign_candidate_link
from tests.support.keys import TEST_SECRET_KEY
from tests.support.when import NOW

# userid -> (name, English name, role): the demo corp's people the tests talk about.
STAFF: dict[str, tuple[str, str, str]] = {
    "liuyang": ("刘洋", "Liu Yang", "hr"),
    "zhaolei": ("赵蕾", "Zhao Lei", "hr"),
    "zhangwei": ("张伟", "Zhang Wei", "interviewer"),
    "lina": ("李娜", "Li Na", "interviewer"),
    "sunhao": ("孙浩", "Sun Hao", "interviewer"),
}
HR = "liuyang"  # who books the interviews the builders make
PANEL = ("zhangwei", "lina")  # the world's usual panel

CANDIDATE_NAME = "王小明"
CANDIDATE_PHONE = "+86 138 0000 0000"
CANDIDATE_EMAIL = "xm@example.com"
POSITION_TITLE = "Backend Engineer"
ROOM = "https://meet.example.com/r/1"
PREP = "Bring your laptop."

# The frozen clock starts on a Tuesday 10:00 in Shanghai: drafts are booked for the Wednesday
# after (in working hours); seeded interviews start two days after `now` (Thursday 10:00), more
# than the candidate's 24-hour cancellation cut-off away.
WEDNESDAY_10 = NOW + timedelta(days=1)
DRAFT_LEAD = timedelta(days=1)
INTERVIEW_LEAD = timedelta(days=2)


# People ---------------------------------------------------------------------------------------


async def add_person(
    db: Database,
    userid: str,
    *,
    name: str | None = None,
    english_name: str | None = None,
    role: str | None = None,
    locale: str | None = None,
    timezone: str | None = None,
    digest: bool = False,
    now: datetime = NOW,
) -> Person:
    """A WeCom member as the directory sync stores them (names and role from `STAFF` when
    known, else the userid and "interviewer"), with their own settings if any are given."""
    known_name, known_english, known_role = STAFF.get(userid, (userid.title(), None, None))
    profile = MemberProfile(
        userid,
        name or known_name,
        english_name or known_english,
        (1,),
        None,
        f"{userid}@corp.example",
    )
    person, _ = await upsert_member(db, profile, role=role or known_role or "interviewer", now=now)
    if digest or timezone is not None or locale is not None:
        # The preferences page saves all three at once (language included).
        await set_preferences(
            db,
            person.id,
            locale=locale or DEFAULT_LANGUAGE,
            timezone=timezone,
            digest_opt_in=digest,
            now=now,
        )
    found = await get_person_by_userid(db, userid)
    assert found is not None
    return found


async def person_id(db: Database, userid: str) -> int:
    """The id of someone already in the database (seeded, synced or signed in)."""
    person = await get_person_by_userid(db, userid)
    assert person is not None, f"{userid} is not in the database"
    return person.id


async def _person(db: Database, userid: str, now: datetime) -> Person:
    """`userid` as they are, or added as `add_person` would if they are not there yet."""
    return await get_person_by_userid(db, userid) or await add_person(db, userid, now=now)


# HR's records ---------------------------------------------------------------------------------


async def add_position(
    db: Database,
    title: str = POSITION_TITLE,
    *,
    department: str | None = "Engineering",
    now: datetime = NOW,
) -> int:
    return await insert_position(db, PositionFields(title, department, None), now=now)


async def add_candidate(
    db: Database,
    name: str = CANDIDATE_NAME,
    *,
    phone: str | None = CANDIDATE_PHONE,
    email: str | None = CANDIDATE_EMAIL,
    now: datetime = NOW,
) -> int:
    return await insert_candidate(db, CandidateFields(name, phone, email), now=now)


# Interviews -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Booked:
    """A seeded interview and its candidate link (the token the candidate gets)."""

    interview_id: int
    link_id: int
    token: str

    @property
    def path(self) -> str:
        return f"/c/{self.token}"


async def add_interview(
    db: Database,
    *,
    panel: Sequence[str] = (),
    starts_at: datetime | None = None,
    starts_in: timedelta = INTERVIEW_LEAD,
    minutes: int = 60,
    candidate_id: int | None = None,
    position_id: int | None = None,
    round: int = 2,
    timezone: str = "Asia/Shanghai",
    room_url: str | None = ROOM,
    location: str | None = None,
    prep: str | None = PREP,
    hide_interviewers: bool = False,
    created_by: str = HR,
    now: datetime = NOW,
) -> Booked:
    """A scheduled interview at `starts_at` (default: `now + starts_in`, to the minute, as the
    booking form books), booked by `created_by`.

    Panel members and the booker not in the database yet are added (as `add_person` does);
    without `candidate_id` / `position_id` the interview gets a candidate and position of its
    own. Written as HR's booking writes it: the interview at version 1, the panel holding the
    slot with replies pending, and the candidate's link (expiring a day after the end).
    """
    start = starts_at or (now + starts_in).replace(second=0, microsecond=0)
    slot = Slot.starting(start, timedelta(minutes=minutes))
    booker = await _person(db, created_by, now)
    members = [await _person(db, userid, now) for userid in panel]
    values = {
        "candidate_id": candidate_id or await add_candidate(db, now=now),
        "position_id": position_id or await add_position(db, now=now),
        "round": round,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "timezone": timezone,
        "room_url": room_url,
        "location": location,
        "notes": None,
        "candidate_prep": prep,
        "hide_interviewers": hide_interviewers,
    }
    interview_id = await insert_interview(
        db, values, actor=Actor.person(booker, ActorKind.HR), now=now
    )
    await put_on_panel(db, interview_id, [m.id for m in members], slot, overrides=())
    link_id = await create_link(
        db,
        interview_id=interview_id,
        expires_at=link_expiry(slot.ends_at),
        created_by=booker.id,
        now=now,
    )
    return Booked(interview_id, link_id, sign_candidate_link(link_id, TEST_SECRET_KEY, now=now))


async def add_feedback(
    db: Database,
    interview_id: int,
    userid: str,
    *,
    rating: int = 4,
    submit: bool = True,
    now: datetime = NOW,
) -> None:
    """`userid`'s scorecard for the interview (submitted unless `submit=False`)."""
    card = Scorecard(rating, None, "Clear about trade-offs.", None, None, submit)
    await write_feedback(db, interview_id, await person_id(db, userid), card, exists=False, now=now)


# The world ------------------------------------------------------------------------------------


class Recorder:
    """A broadcaster that remembers what was published."""

    def __init__(self) -> None:
        self.events: list[LiveEvent] = []

    async def publish(self, event: LiveEvent) -> None:
        self.events.append(event)

    async def subscribe(self) -> AsyncIterator[LiveEvent]:  # pragma: no cover - unused
        for event in self.events:
            yield event


@dataclass
class World:
    """`STAFF` by userid (`world["lina"]`), a position and a candidate, seeded at `now`."""

    db: Database
    people: dict[str, Person]
    position_id: int
    candidate_id: int
    now: datetime = NOW
    hub: Recorder = field(default_factory=Recorder)

    def __getitem__(self, userid: str) -> Person:
        return self.people[userid]

    def hr(self, userid: str) -> Actor:
        """`userid` acting as HR."""
        return Actor.person(self.people[userid], ActorKind.HR)

    def interviewer(self, userid: str) -> Actor:
        """`userid` acting on the panel."""
        return Actor.person(self.people[userid], ActorKind.INTERVIEWER)

    def draft(
        self,
        starts_at: datetime | None = None,
        *,
        minutes: int = 60,
        panel: tuple[str, ...] = PANEL,
        candidate_id: int | None = None,
        override: bool = False,
        version: int | None = None,
        room_url: str | None = ROOM,
        timezone: str = "Asia/Shanghai",
    ) -> InterviewDraft:
        """HR's booking form for the world's candidate (default: a day after `now`)."""
        return InterviewDraft(
            candidate_id=candidate_id or self.candidate_id,
            new_candidate=None,
            position_id=self.position_id,
            round=1,
            slot=Slot.starting(starts_at or self.now + DRAFT_LEAD, timedelta(minutes=minutes)),
            timezone=timezone,
            interviewer_ids=tuple(self.people[userid].id for userid in panel),
            room_url=room_url,
            location=None,
            notes="Ask about databases.",
            candidate_prep=None,
            hide_interviewers=False,
            override=override,
            version=version,
        )

    async def interview(
        self,
        *,
        starts_in: timedelta = INTERVIEW_LEAD,
        minutes: int = 60,
        panel: Sequence[str] = PANEL,
        timezone: str = "Asia/Shanghai",
        hide_interviewers: bool = False,
        prep: str | None = PREP,
        room_url: str | None = ROOM,
    ) -> Booked:
        """`add_interview` for the world's candidate and position, `starts_in` after `now`."""
        return await add_interview(
            self.db,
            panel=panel,
            starts_in=starts_in,
            minutes=minutes,
            candidate_id=self.candidate_id,
            position_id=self.position_id,
            timezone=timezone,
            room_url=room_url,
            prep=prep,
            hide_interviewers=hide_interviewers,
            now=self.now,
        )


async def make_world(db: Database, *, now: datetime = NOW) -> World:
    people = {userid: await add_person(db, userid, now=now) for userid in STAFF}
    position_id = await add_position(db, now=now)
    candidate_id = await add_candidate(db, now=now)
    return World(db, people, position_id, candidate_id, now)


# The outbox -----------------------------------------------------------------------------------


async def queue(
    db: Database,
    kind: str,
    recipient: str,
    interview_id: int | None,
    *,
    version: int = 1,
    now: datetime = NOW,
    due_at: datetime | None = None,
    **payload: Any,
) -> bool:
    """One outbox message about the interview, keyed as the domain actions key theirs."""
    return await enqueue(
        db,
        kind=kind,
        recipient=recipient,
        payload={"interview_id": interview_id, "version": version, **payload},
        dedupe=dedupe_key(kind, interview_id, recipient, version, *payload.values()),
        now=now,
        due_at=due_at,
        interview_id=interview_id,
    )


# States the app never writes itself -----------------------------------------------------------


async def force_status(db: Database, interview_id: int, status: str) -> None:
    """Put the interview in `status` by itself: no history, notices, version bump or event.

    The app only gets there through a use case that does all of those; tests of how others
    react to the status (the worker, a stream, a page) set it alone so they see only that.
    """
    await db.execute(
        interviews.update().where(interviews.c.id == interview_id).values(status=status)
    )


async def force_no_creator(db: Database, interview_id: int) -> None:
    """Forget who booked the interview. The app always records the booker, but the column
    allows none, and then every active HR person hears about the interview."""
    await db.execute(
        interviews.update().where(interviews.c.id == interview_id).values(created_by=None)
    )


async def force_link_expired(db: Database, link_id: int, *, at: datetime) -> None:
    """End the link at `at`. Links expire a day after their interview ends; this expires one
    early, so the rest of the test stays at the current time."""
    await db.execute(share_links.update().where(share_links.c.id == link_id).values(expires_at=at))


async def force_dead_letter(db: Database, row_id: int, *, errcode: int, error: str) -> None:
    """Make an outbox row a dead letter after one attempt. The worker gets there only by
    sending to WeCom and failing; the notification pages' tests need the row without that."""
    await db.execute(
        outbox.update()
        .where(outbox.c.id == row_id)
        .values(status="dead", attempts=1, last_errcode=errcode, last_error=error)
    )
