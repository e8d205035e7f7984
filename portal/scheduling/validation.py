"""The forms the domain receives: raw strings in, frozen drafts out, every error at once.

Each `validate_*` takes the request's form (`RawForm`; Starlette's `FormData` fits) and returns
a draft or raises `ValidationFailed`, whose `errors` map each form field name to its msgid.
Conflicts and the past are not checked here: `conflicts.detect_conflicts` owns them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from portal.scheduling.feedback import Recommendation
from portal.scheduling.fields import MAX_ID, REQUIRED, FormReader, RawForm
from portal.scheduling.messages import N_
from portal.scheduling.rooms import RoomKind
from portal.scheduling.slots import MAX_DURATION, MIN_DURATION, InvalidSlot, Slot

MAX_INTERVIEWERS = 6
MAX_ROUND = 10
MAX_WINDOWS = 3
_MINUTE = timedelta(minutes=1)

CANDIDATE_MISSING = N_("Choose a candidate or enter a new one.")
CANDIDATE_TWICE = N_("Choose an existing candidate or enter a new one, not both.")
NO_INTERVIEWERS = N_("Choose at least one interviewer.")
TOO_MANY_INTERVIEWERS = N_("Choose at most %(max)s interviewers.")
DUPLICATE_INTERVIEWER = N_("Each interviewer can be chosen only once.")
DECLINE_NEEDS_REASON = N_("Please give a reason for declining.")
NO_WINDOWS = N_("Propose at least one time.")
WINDOW_IN_PAST = N_("Propose a time in the future.")


@dataclass(frozen=True, slots=True)
class NewCandidate:
    name: str
    phone: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class InterviewDraft:
    """A valid HR interview form; exactly one of `candidate_id` / `new_candidate` is set."""

    candidate_id: int | None
    new_candidate: NewCandidate | None
    position_id: int
    round: int
    slot: Slot
    timezone: str
    interviewer_ids: tuple[int, ...]
    room_url: str | None
    location: str | None
    notes: str | None
    candidate_prep: str | None
    hide_interviewers: bool
    override: bool
    version: int | None  # None when creating
    room_kind: RoomKind | None = None  # None: the position's default
    room_paper_uid: str | None = None  # a question-bank paper for the technical room
    plan_round_id: int | None = None  # the plan round it is booked as (its kit and defaults)


@dataclass(frozen=True, slots=True)
class RescheduleDraft:
    slot: Slot
    timezone: str
    reason: str | None
    override: bool
    version: int | None


@dataclass(frozen=True, slots=True)
class CancelDraft:
    reason: str
    version: int | None


class RsvpResponse(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"


@dataclass(frozen=True, slots=True)
class RsvpDraft:
    response: RsvpResponse
    reason: str | None


@dataclass(frozen=True, slots=True)
class Scorecard:
    rating: int | None
    recommendation: Recommendation | None
    strengths: str | None
    concerns: str | None
    notes: str | None
    submit: bool


@dataclass(frozen=True, slots=True)
class RescheduleRequest:
    """A candidate's request for another time: 1–3 windows in their own time zone."""

    windows: tuple[Slot, ...]
    timezone: str
    message: str | None


def validate_interview(form: RawForm) -> InterviewDraft:
    """The HR create/edit form."""
    reader = FormReader(form)
    candidate_id, new_candidate = _candidate(reader)
    position_id = reader.integer("position_id", low=1, high=MAX_ID)
    round_ = reader.integer("round", low=1, high=MAX_ROUND)
    slot = _slot(reader)
    interviewer_ids = _interviewers(reader)
    room_url = reader.url("room_url", max_len=2048)
    location = reader.text("location", max_len=256)
    notes = reader.text("notes", max_len=4000, multiline=True)
    candidate_prep = reader.text("candidate_prep", max_len=4000, multiline=True)
    room_kind = reader.choice("room_kind", _ROOM_KINDS, required=False)
    room_paper_uid = reader.text("room_paper_uid", max_len=64)
    plan_round_id = reader.integer("plan_round_id", low=1, high=MAX_ID, required=False)
    version = _version(reader)
    reader.finish()
    assert position_id is not None and round_ is not None and slot is not None
    return InterviewDraft(
        candidate_id=candidate_id,
        new_candidate=new_candidate,
        position_id=position_id,
        round=round_,
        slot=slot,
        timezone=reader.raw("timezone"),
        interviewer_ids=interviewer_ids,
        room_url=room_url,
        location=location,
        notes=notes,
        candidate_prep=candidate_prep,
        hide_interviewers=reader.checkbox("hide_interviewers"),
        override=reader.checkbox("override"),
        version=version,
        room_kind=room_kind,
        room_paper_uid=room_paper_uid if room_kind == RoomKind.TECHNICAL else None,
        plan_round_id=plan_round_id,
    )


_ROOM_KINDS = {kind.value: kind for kind in RoomKind}


def validate_reschedule(form: RawForm) -> RescheduleDraft:
    """HR moves an interview: date, time, duration, time zone, optional reason."""
    reader = FormReader(form)
    slot = _slot(reader)
    reason = reader.text("reason", max_len=1000, multiline=True)
    version = _version(reader)
    reader.finish()
    assert slot is not None
    timezone, override = reader.raw("timezone"), reader.checkbox("override")
    return RescheduleDraft(slot, timezone, reason, override, version)


def validate_cancel(form: RawForm) -> CancelDraft:
    """Cancelling needs a reason: the candidate and the interviewers are told."""
    reader = FormReader(form)
    reason = reader.text("reason", max_len=1000, required=True, multiline=True)
    version = _version(reader)
    reader.finish()
    return CancelDraft(reason or "", version)


_RSVP = {"accept": RsvpResponse.ACCEPTED, "decline": RsvpResponse.DECLINED}


def validate_rsvp(form: RawForm) -> RsvpDraft:
    """An interviewer's answer: `response` is accept or decline; declining needs a reason."""
    reader = FormReader(form)
    response = reader.choice("response", _RSVP)
    reason = reader.text("reason", max_len=1000, multiline=True)
    if response is RsvpResponse.DECLINED and reason is None:
        reader.fail("reason", DECLINE_NEEDS_REASON)
    reader.finish()
    assert response is not None
    return RsvpDraft(response, reason)


_RECOMMENDATIONS = {choice.value: choice for choice in Recommendation}


def validate_scorecard(form: RawForm, *, submit: bool) -> Scorecard:
    """A feedback scorecard; a draft may be partial, a submission needs rating + recommendation."""
    reader = FormReader(form)
    card = Scorecard(
        rating=reader.integer("rating", low=1, high=4, required=submit),
        recommendation=reader.choice("recommendation", _RECOMMENDATIONS, required=submit),
        strengths=reader.text("strengths", max_len=4000, multiline=True),
        concerns=reader.text("concerns", max_len=4000, multiline=True),
        notes=reader.text("notes", max_len=4000, multiline=True),
        submit=submit,
    )
    reader.finish()
    return card


def validate_reschedule_request(form: RawForm, *, now: datetime) -> RescheduleRequest:
    """A candidate proposes 1–3 future windows (`window1_date`, `window1_start`, `window1_end`…)."""
    reader = FormReader(form)
    numbers = [n for n in range(1, MAX_WINDOWS + 1) if any(map(reader.raw, _window_fields(n)))]
    if not numbers:
        reader.fail("windows", NO_WINDOWS)
    windows = [_window(reader, number, now) for number in numbers]
    message = reader.text("message", max_len=1000, multiline=True)
    reader.finish()
    proposed = tuple(window for window in windows if window is not None)
    return RescheduleRequest(proposed, reader.raw("timezone"), message)


def _candidate(reader: FormReader) -> tuple[int | None, NewCandidate | None]:
    candidate_id = reader.integer("candidate_id", low=1, high=MAX_ID, required=False)
    name = reader.text("candidate_name", max_len=128)
    phone, email = reader.phone("candidate_phone"), reader.email("candidate_email")
    typed_new = bool(name or phone or email)
    if reader.raw("candidate_id"):
        if typed_new:
            reader.fail("candidate_id", CANDIDATE_TWICE)
        return candidate_id, None
    if not typed_new:
        reader.fail("candidate_id", CANDIDATE_MISSING)
    elif name is None:
        reader.fail("candidate_name", REQUIRED)
    return None, NewCandidate(name or "", phone, email)


def _slot(reader: FormReader) -> Slot | None:
    starts_at = reader.local_start("date", "time", "timezone")
    low, high = MIN_DURATION // _MINUTE, MAX_DURATION // _MINUTE
    minutes = reader.integer("duration", low=low, high=high)
    if starts_at is None or minutes is None or "duration" in reader.errors:
        return None
    return Slot.starting(starts_at, minutes * _MINUTE)


def _interviewers(reader: FormReader) -> tuple[int, ...]:
    ids = reader.identifiers("interviewer_ids")
    if not ids:
        reader.fail("interviewer_ids", NO_INTERVIEWERS)
    elif len(ids) > MAX_INTERVIEWERS:
        reader.fail("interviewer_ids", TOO_MANY_INTERVIEWERS, {"max": MAX_INTERVIEWERS})
    elif len(set(ids)) != len(ids):
        reader.fail("interviewer_ids", DUPLICATE_INTERVIEWER)
    return tuple(ids)


def _version(reader: FormReader) -> int | None:
    # Absent on a create form; on an edit form it guards against overwriting a newer change.
    return reader.integer("version", low=1, high=MAX_ID, required=False)


def _window_fields(number: int) -> tuple[str, str, str]:
    return f"window{number}_date", f"window{number}_start", f"window{number}_end"


def _window(reader: FormReader, number: int, now: datetime) -> Slot | None:
    prefix = f"window{number}"
    day, start, end = _window_fields(number)
    starts_at = reader.local_start(day, start, "timezone")
    ends_at = reader.local_start(day, end, "timezone")
    if starts_at is None or ends_at is None:
        return None
    try:
        slot = Slot(starts_at, ends_at)
    except InvalidSlot as exc:
        reader.fail(prefix, exc.message, exc.params)
        return None
    if slot.starts_at <= now:
        reader.fail(prefix, WINDOW_IN_PAST)
        return None
    return slot
