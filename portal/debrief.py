"""The debrief: a candidate's scorecards for one position side by side, HR's decision, nudges.

Who reads it follows `scheduling.pipeline.may_read_debrief`; anyone refused gets a 404, so the
page does not even confirm the candidate is interviewing for the position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from portal.db import audit
from portal.db.applications import (
    Application,
    DecisionEntry,
    PipelineInterview,
    get_application,
    insert_decision,
    last_nudge_at,
    last_nudges,
    list_decisions,
    lock_application,
    pipeline_applications,
    pipeline_interviews,
    set_standing,
)
from portal.db.database import Database
from portal.db.feedback import FeedbackEntry, list_pipeline_feedback
from portal.db.interviews import InterviewDetail, get_detail, list_candidate_interviews
from portal.db.outbox import dedupe_key, enqueue
from portal.db.people import Person
from portal.errors import DomainError, NotFound
from portal.i18n import N_
from portal.interviews.notify import FEEDBACK_AFTER
from portal.notifications.kinds import FEEDBACK_NUDGE
from portal.scheduling import Actor, Status
from portal.scheduling.kits import LEVEL_LABELS, FocusArea, areas_from_json
from portal.scheduling.pipeline import (
    DebriefReader,
    Decision,
    PipelineState,
    Stage,
    Standing,
    may_read_debrief,
    where_they_stand,
)
from portal.scheduling.pipeline import (
    decide as next_standing,
)

NOT_COUNTED = (Status.CANCELLED, Status.NO_SHOW)  # nobody owes a scorecard for these
NUDGE_EVERY = timedelta(hours=1)
NOTE_CHARS = 2000

NUDGE_NOT_OWED = N_("This person has already submitted, or is not on this interview.")
NUDGE_TOO_EARLY = N_("The interview has not ended yet.")


@dataclass(frozen=True)
class Cell:
    rating: int | None
    anchor: str  # what that rating means (a tooltip), "" when none


@dataclass(frozen=True)
class AreaRow:
    name: str | None  # None: the overall rating row (legacy cards without focus areas)
    description: str
    cells: list[Cell]


@dataclass(frozen=True)
class NoteLine:
    label: str
    text: str
    translate: bool  # a msgid (Strengths) rather than a focus area's own name


@dataclass(frozen=True)
class Pending:
    interview_id: int
    person_id: int
    name: str
    due_since: datetime  # the interview's end
    overdue: bool
    last_nudge: datetime | None


@dataclass(frozen=True)
class RoundView:
    interview_id: int
    number: int
    name: str | None  # the plan round's name; None shows "Round N"
    starts_at: datetime
    status: Status
    platform_rating: int | None  # the interview platform's, out of 5
    columns: list[str]  # the interviewers who submitted, in card order
    rows: list[AreaRow]
    recommendations: list[str | None]
    notes: list[list[NoteLine]]
    pending: list[Pending]


@dataclass(frozen=True)
class Debrief:
    candidate_id: int
    candidate_name: str
    position_id: int
    position_title: str
    rounds: list[RoundView]
    decisions: list[DecisionEntry]
    stage: Stage
    next_round: int
    last_round: int


def _reader(
    viewer: Person, ivs: list[InterviewDetail], cards: list[FeedbackEntry]
) -> DebriefReader:
    done = {c.interview_id for c in cards if c.person_id == viewer.id and c.status == "submitted"}
    owes = submitted = 0
    for interview in ivs:
        if interview.status in NOT_COUNTED or interview.member(viewer.id) is None:
            continue
        if interview.id in done:
            submitted += 1
        else:
            owes += 1  # one still to come is owed too: its panel must judge unprompted
    return DebriefReader(is_hr=viewer.is_hr, submitted=submitted, owes=owes)


def _areas(cards: list[FeedbackEntry]) -> list[FocusArea]:
    seen: dict[str, FocusArea] = {}
    for card in cards:
        for area in areas_from_json(card.structure):
            seen.setdefault(area.key, area)
    return list(seen.values())


def _score(card: FeedbackEntry, key: str) -> tuple[int | None, str | None]:
    scores = card.scores if isinstance(card.scores, dict) else {}
    item = scores.get(key)
    if not isinstance(item, dict):
        return None, None
    rating, notes = item.get("rating"), item.get("notes")
    return (
        rating if isinstance(rating, int) and 1 <= rating <= 4 else None,
        notes if isinstance(notes, str) and notes.strip() else None,
    )


def _rows(cards: list[FeedbackEntry]) -> list[AreaRow]:
    rows = []
    for area in _areas(cards):
        cells = []
        for card in cards:
            rating = _score(card, area.key)[0]
            cells.append(Cell(rating, area.anchor(rating) if rating else ""))
        rows.append(AreaRow(area.name, area.description, cells))
    if any(card.rating is not None for card in cards):
        cells = [Cell(c.rating, LEVEL_LABELS.get(c.rating or 0, "")) for c in cards]
        rows.append(AreaRow(None, "", cells))
    return rows


def _notes(card: FeedbackEntry) -> list[NoteLine]:
    lines = []
    for area in areas_from_json(card.structure):
        text = _score(card, area.key)[1]
        if text:
            lines.append(NoteLine(area.name, text, False))
    for label, text in (
        (N_("Strengths"), card.strengths),
        (N_("Concerns"), card.concerns),
        (N_("Overall notes"), card.notes),
    ):
        if text:
            lines.append(NoteLine(label, text, True))
    return lines


async def _pending(
    db: Database, interview: InterviewDetail, cards: list[FeedbackEntry], now: datetime
) -> list[Pending]:
    if interview.status in NOT_COUNTED or interview.ends_at > now:
        return []
    done = {c.person_id for c in cards if c.status == "submitted"}
    overdue = interview.ends_at <= now - FEEDBACK_AFTER  # as home.py: the first reminder's delay
    nudged = await last_nudges(db, interview.id)
    return [
        Pending(
            interview.id,
            m.person_id,
            m.display_name,
            interview.ends_at,
            overdue,
            nudged.get(m.wecom_userid),
        )
        for m in interview.panel
        if m.person_id not in done
    ]


async def _round(
    db: Database, interview: InterviewDetail, cards: list[FeedbackEntry], now: datetime
) -> RoundView:
    shown = [c for c in cards if c.status == "submitted"]  # drafts never show
    return RoundView(
        interview_id=interview.id,
        number=interview.round,
        name=interview.round_name,
        starts_at=interview.starts_at,
        status=interview.status,
        platform_rating=interview.room.rating if interview.room else None,
        columns=[c.person_name for c in shown],
        rows=_rows(shown),
        recommendations=[c.recommendation for c in shown],
        notes=[_notes(c) for c in shown],
        pending=await _pending(db, interview, cards, now),
    )


def last_round(ivs: list[InterviewDetail]) -> int:
    """The highest round held or booked (not cancelled): what a decision is taken after."""
    return max((i.round for i in ivs if i.status is not Status.CANCELLED), default=0)


async def debrief(
    db: Database, candidate_id: int, position_id: int, viewer: Person, *, now: datetime
) -> Debrief:
    """Everything the debrief page shows; NotFound without an interview or for a refused reader."""
    ivs = await list_candidate_interviews(db, candidate_id, position_id)
    if not ivs:
        raise NotFound()
    cards = [r.entry for r in await list_pipeline_feedback(db, candidate_id, position_id)]
    if not may_read_debrief(_reader(viewer, ivs, cards)):
        raise NotFound()
    by_interview: dict[int, list[FeedbackEntry]] = {}
    for card in cards:
        by_interview.setdefault(card.interview_id, []).append(card)
    rounds = [await _round(db, i, by_interview.get(i.id, []), now) for i in ivs]
    application = await get_application(db, candidate_id, position_id)
    return Debrief(
        candidate_id=candidate_id,
        candidate_name=ivs[0].candidate_name,
        position_id=position_id,
        position_title=ivs[0].position_title,
        rounds=rounds,
        decisions=await list_decisions(db, application.id) if application else [],
        stage=application.stage if application else Stage.ACTIVE,
        next_round=application.next_round if application else 1,
        last_round=last_round(ivs),
    )


async def decide(
    db: Database,
    candidate_id: int,
    position_id: int,
    decision: Decision,
    note: str | None,
    *,
    actor: Actor,
    now: datetime,
) -> Standing:
    """Record HR's decision: the application's new standing, a decisions row, an audit row.

    Raises NotFound without an interview, `DecisionRefused` for a repeat.
    """
    async with db.transaction():
        ivs = await list_candidate_interviews(db, candidate_id, position_id)
        if not ivs:
            raise NotFound()
        after = last_round(ivs)
        application: Application = await lock_application(db, candidate_id, position_id, now=now)
        standing = next_standing(application.standing, decision, last_round=after)
        await set_standing(db, application.id, standing, now=now)
        await insert_decision(
            db,
            application.id,
            decision=decision.value,
            round=after,
            note=note,
            decided_by=actor.person_id,
            now=now,
        )
        await audit.record(
            db,
            "pipeline.decided",
            actor=actor,
            at=now,
            target_kind="candidate",
            target_id=candidate_id,
            detail={
                "position_id": position_id,
                "decision": decision.value,
                "round": after,
                "note": note,
            },
        )
    return standing


@dataclass(frozen=True)
class Nudged:
    queued: bool  # False: one went less than an hour ago, nothing sent
    at: datetime  # when the (last) nudge was queued


async def nudge(
    db: Database,
    interview_id: int,
    person_id: int,
    *,
    actor: Actor,
    now: datetime,
    candidate_id: int | None = None,
    position_id: int | None = None,
) -> Nudged:
    """Ask one panel member for their scorecard through WeCom: at most once an hour each."""
    async with db.transaction():
        found = await get_detail(db, interview_id)
        if found is None or (candidate_id, position_id) not in (
            (None, None),
            (found.candidate_id, found.position_id),
        ):
            raise NotFound()
        cards = [
            r.entry for r in await list_pipeline_feedback(db, found.candidate_id, found.position_id)
        ]
        member = found.member(person_id)
        submitted = any(
            c.interview_id == interview_id and c.person_id == person_id and c.status == "submitted"
            for c in cards
        )
        if member is None or submitted or found.status in NOT_COUNTED:
            raise DomainError(NUDGE_NOT_OWED)
        if found.ends_at > now:
            raise DomainError(NUDGE_TOO_EARLY)
        last = await last_nudge_at(db, interview_id, member.wecom_userid)
        if last is not None and now - last < NUDGE_EVERY:
            return Nudged(False, last)
        await enqueue(
            db,
            kind=FEEDBACK_NUDGE,
            recipient=member.wecom_userid,
            payload={
                "interview_id": interview_id,
                "version": found.version,
                "person_id": person_id,
            },
            dedupe=dedupe_key(FEEDBACK_NUDGE, interview_id, member.wecom_userid, f"{now:%Y%m%d%H}"),
            now=now,
            interview_id=interview_id,
        )
        await audit.record(
            db,
            "pipeline.nudged",
            actor=actor,
            at=now,
            target_kind="interview",
            target_id=interview_id,
            detail={"person_id": person_id},
        )
    return Nudged(True, now)


# --- the position's pipeline ---


@dataclass(frozen=True)
class PipelineEntry:
    candidate_id: int
    candidate_name: str
    state: PipelineState
    round: int  # the round the state is about
    submitted: int = 0
    panel: int = 0
    decided_at: datetime | None = None


@dataclass(frozen=True)
class Pipeline:
    groups: list[tuple[str, list[PipelineEntry]]] = field(default_factory=list)


async def pipeline(db: Database, position_id: int, *, now: datetime) -> Pipeline:
    """Every candidate of the position with where they stand, grouped by state."""
    ivs: dict[int, list[PipelineInterview]] = {}
    names: dict[int, str] = {}
    for row in await pipeline_interviews(db, position_id):
        ivs.setdefault(row.candidate_id, []).append(row)
        names[row.candidate_id] = row.candidate_name
    apps = {a.candidate_id: a for a in await pipeline_applications(db, position_id)}
    names |= {a.candidate_id: a.candidate_name for a in apps.values()}
    entries = []
    for candidate_id, name in names.items():
        app = apps.get(candidate_id)
        standing = Standing(app.stage, app.next_round) if app else None
        where = where_they_stand(standing, ivs.get(candidate_id, []), now)
        decided = app.last_decided_at if app else None
        entries.append(
            PipelineEntry(
                candidate_id, name, where.state, where.round, where.submitted, where.panel, decided
            )
        )
    entries.sort(key=lambda e: (e.candidate_name, e.candidate_id))
    groups = [(s.value, [e for e in entries if e.state is s]) for s in PipelineState]
    return Pipeline([(state, found) for state, found in groups if found])
