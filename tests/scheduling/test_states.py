from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from portal.scheduling import states
from portal.scheduling.states import (
    STATUS_LABELS,
    TERMINAL,
    ActorKind,
    InvalidTransition,
    Status,
    allowed_targets,
    reschedule_status,
    transition,
)
from tests.support.when import NOW, days_after

S, A = Status, ActorKind
STARTS = days_after(NOW, 7, time(10))  # a Tuesday a week after NOW, 10:00 in Shanghai
ENDS = STARTS + timedelta(hours=1)
# One minute after the start every time gate is open, so only the table decides.
DURING = STARTS + timedelta(minutes=1)

# Written out independently of the module's table: the rules as the issue states them.
ALLOWED: dict[tuple[Status, Status], set[ActorKind]] = {
    (S.SCHEDULED, S.CONFIRMED): {A.HR, A.CANDIDATE},
    (S.SCHEDULED, S.CHECKED_IN): {A.CANDIDATE, A.PLATFORM},
    (S.SCHEDULED, S.IN_PROGRESS): {A.HR, A.INTERVIEWER, A.PLATFORM},
    (S.SCHEDULED, S.CANCELLED): {A.HR, A.CANDIDATE},
    (S.SCHEDULED, S.NO_SHOW): {A.HR, A.INTERVIEWER, A.SYSTEM},
    (S.CONFIRMED, S.CHECKED_IN): {A.CANDIDATE, A.PLATFORM},
    (S.CONFIRMED, S.IN_PROGRESS): {A.HR, A.INTERVIEWER, A.PLATFORM},
    (S.CONFIRMED, S.CANCELLED): {A.HR, A.CANDIDATE},
    (S.CONFIRMED, S.NO_SHOW): {A.HR, A.INTERVIEWER, A.SYSTEM},
    (S.CHECKED_IN, S.IN_PROGRESS): {A.HR, A.INTERVIEWER, A.PLATFORM},
    (S.CHECKED_IN, S.CANCELLED): {A.HR, A.CANDIDATE},
    (S.IN_PROGRESS, S.COMPLETED): {A.HR, A.INTERVIEWER, A.PLATFORM, A.SYSTEM},
}

EVERY = [(c, t, a) for c in Status for t in Status for a in ActorKind]


def _move(current: Status, target: Status, actor: ActorKind, now: datetime = DURING) -> Status:
    return transition(current, target, actor=actor, now=now, starts_at=STARTS, ends_at=ENDS)


@pytest.mark.parametrize(
    ("current", "target", "actor"),
    [case for case in EVERY if case[2] in ALLOWED.get(case[:2], set())],
)
def test_transition_allowed_pair_returns_target(
    current: Status, target: Status, actor: ActorKind
) -> None:
    assert _move(current, target, actor) is target


@pytest.mark.parametrize(
    ("current", "target", "actor"),
    [case for case in EVERY if case[2] not in ALLOWED.get(case[:2], set())],
)
def test_transition_refused_pair_raises(current: Status, target: Status, actor: ActorKind) -> None:
    with pytest.raises(InvalidTransition) as caught:
        _move(current, target, actor)
    edge_exists = (current, target) in ALLOWED
    assert caught.value.status == (403 if edge_exists else 409)
    assert caught.value.params["target"] == target.value


@pytest.mark.parametrize(("current", "actor"), [(c, a) for c in Status for a in ActorKind])
def test_allowed_targets_during_interview_matches_table(current: Status, actor: ActorKind) -> None:
    expected = [t for t in Status if actor in ALLOWED.get((current, t), set())]
    assert allowed_targets(current, actor, DURING, STARTS, ENDS) == expected


@pytest.mark.parametrize(("current", "target"), [(c, t) for c in TERMINAL for t in Status])
def test_transition_from_terminal_says_closed(current: Status, target: Status) -> None:
    with pytest.raises(InvalidTransition, match="closed") as caught:
        _move(current, target, ActorKind.HR)
    assert caught.value.message == states.CLOSED


@pytest.mark.parametrize("status", sorted(set(Status) - TERMINAL))
def test_transition_to_same_status_says_unchanged(status: Status) -> None:
    with pytest.raises(InvalidTransition) as caught:
        _move(status, status, ActorKind.HR)
    assert caught.value.message == states.UNCHANGED


def test_transition_hr_check_in_is_refused_as_forbidden() -> None:
    with pytest.raises(InvalidTransition) as caught:
        _move(Status.SCHEDULED, Status.CHECKED_IN, ActorKind.HR)
    assert (caught.value.status, caught.value.message) == (403, states.NOT_ALLOWED)


def test_transition_checked_in_to_no_show_says_unreachable() -> None:
    with pytest.raises(InvalidTransition) as caught:
        _move(Status.CHECKED_IN, Status.NO_SHOW, ActorKind.HR)
    assert caught.value.status == 409
    assert "no-show" in caught.value.message


MINUTE = timedelta(minutes=1)
EARLY = states.EARLY_WINDOW


@pytest.mark.parametrize(
    ("current", "target", "actor", "now", "refusal"),
    [
        (S.CONFIRMED, S.NO_SHOW, A.INTERVIEWER, STARTS - MINUTE, states.TOO_EARLY_NO_SHOW),
        (S.CONFIRMED, S.NO_SHOW, A.INTERVIEWER, STARTS, None),
        (S.SCHEDULED, S.NO_SHOW, A.SYSTEM, ENDS + timedelta(days=1), None),
        (
            S.SCHEDULED,
            S.CHECKED_IN,
            A.CANDIDATE,
            STARTS - EARLY - MINUTE,
            states.TOO_EARLY_CHECK_IN,
        ),
        (S.SCHEDULED, S.CHECKED_IN, A.CANDIDATE, STARTS - EARLY, None),
        (S.CONFIRMED, S.CHECKED_IN, A.PLATFORM, ENDS - MINUTE, None),
        (S.CONFIRMED, S.CHECKED_IN, A.CANDIDATE, ENDS, states.ALREADY_OVER),
        (
            S.SCHEDULED,
            S.IN_PROGRESS,
            A.INTERVIEWER,
            STARTS - EARLY - MINUTE,
            states.TOO_EARLY_START,
        ),
        (S.SCHEDULED, S.IN_PROGRESS, A.INTERVIEWER, STARTS - EARLY, None),
        (S.CHECKED_IN, S.IN_PROGRESS, A.PLATFORM, ENDS + timedelta(hours=1), None),
        (S.SCHEDULED, S.CONFIRMED, A.CANDIDATE, ENDS - MINUTE, None),
        (S.SCHEDULED, S.CONFIRMED, A.CANDIDATE, ENDS, states.ALREADY_OVER),
        (S.SCHEDULED, S.CANCELLED, A.HR, ENDS + timedelta(days=1), None),
        (S.IN_PROGRESS, S.COMPLETED, A.INTERVIEWER, STARTS, None),
    ],
)
def test_transition_time_gate_decides(
    current: Status, target: Status, actor: ActorKind, now: datetime, refusal: str | None
) -> None:
    if refusal is None:
        assert _move(current, target, actor, now) is target
    else:
        with pytest.raises(InvalidTransition) as caught:
            _move(current, target, actor, now)
        assert (caught.value.message, caught.value.status) == (refusal, 409)


def test_allowed_targets_day_before_offers_confirm_and_cancel_to_candidate() -> None:
    now = STARTS - timedelta(days=1)
    assert allowed_targets(S.SCHEDULED, A.CANDIDATE, now, STARTS, ENDS) == [
        S.CONFIRMED,
        S.CANCELLED,
    ]


def test_allowed_targets_before_start_offers_interviewer_start_but_no_no_show() -> None:
    now = STARTS - timedelta(minutes=5)
    assert allowed_targets(S.CONFIRMED, A.INTERVIEWER, now, STARTS, ENDS) == [S.IN_PROGRESS]


@pytest.mark.parametrize(
    ("current", "expected"),
    [(S.SCHEDULED, S.SCHEDULED), (S.CONFIRMED, S.SCHEDULED), (S.CHECKED_IN, S.SCHEDULED)],
)
def test_reschedule_status_open_interview_needs_new_confirmation(
    current: Status, expected: Status
) -> None:
    assert reschedule_status(current) is expected


@pytest.mark.parametrize("current", [S.IN_PROGRESS, *sorted(TERMINAL)])
def test_reschedule_status_started_or_closed_raises(current: Status) -> None:
    with pytest.raises(InvalidTransition):
        reschedule_status(current)


def test_status_labels_cover_every_status() -> None:
    assert set(STATUS_LABELS) == set(Status)
