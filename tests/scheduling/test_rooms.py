"""The room rules: what the platform's reports do to an interview, and who may enter when."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from portal.scheduling import ActorKind, Status, can_join, transition
from portal.scheduling.rooms import JOIN_GRACE, RoomEvent, furthest, platform_moves
from tests.support.when import NOW

START = NOW + timedelta(days=2)  # the rules take "now" as given; any moment will do
END = START + timedelta(hours=1)
S = Status


@pytest.mark.parametrize(
    ("current", "event", "steps"),
    [
        (S.SCHEDULED, RoomEvent.OPENED, [S.CHECKED_IN]),
        (S.CONFIRMED, RoomEvent.OPENED, [S.CHECKED_IN]),
        (S.CHECKED_IN, RoomEvent.OPENED, []),
        (S.IN_PROGRESS, RoomEvent.OPENED, []),  # an interviewer started first: no check-in
        (S.SCHEDULED, RoomEvent.STARTED, [S.IN_PROGRESS]),
        (S.CHECKED_IN, RoomEvent.STARTED, [S.IN_PROGRESS]),
        (S.IN_PROGRESS, RoomEvent.STARTED, []),
        (S.SCHEDULED, RoomEvent.ENDED, [S.IN_PROGRESS, S.COMPLETED]),  # the start was lost
        (S.IN_PROGRESS, RoomEvent.ENDED, [S.COMPLETED]),
        (S.COMPLETED, RoomEvent.ENDED, []),
        (S.CANCELLED, RoomEvent.STARTED, []),
        (S.NO_SHOW, RoomEvent.ENDED, []),
    ],
)
def test_platform_moves_bring_the_interview_up_to_the_report(
    current: Status, event: RoomEvent, steps: list[Status]
) -> None:
    assert platform_moves(current, event) == steps


@pytest.mark.parametrize("current", [S.SCHEDULED, S.CONFIRMED, S.CHECKED_IN, S.IN_PROGRESS])
@pytest.mark.parametrize("event", list(RoomEvent))
def test_every_platform_step_is_one_the_state_machine_allows_at_any_time(
    current: Status, event: RoomEvent
) -> None:
    status = current
    for now in (START - timedelta(hours=5), END + timedelta(hours=5)):  # no time gates
        status = current
        for target in platform_moves(current, event):
            status = transition(
                status, target, actor=ActorKind.PLATFORM, now=now, starts_at=START, ends_at=END
            )


def test_the_platform_status_only_moves_forward() -> None:
    assert furthest(RoomEvent.STARTED, None) == "interview_started"
    assert furthest(RoomEvent.STARTED, "interview_ended") == "interview_ended"
    assert furthest(RoomEvent.ENDED, "interview_opened") == "interview_ended"


def test_candidate_join_window_uses_the_early_minutes_and_the_grace() -> None:
    early = timedelta(minutes=30)

    def decide(now: datetime, status: Status = S.SCHEDULED) -> bool:
        return bool(
            can_join(
                now, status=status, starts_at=START, ends_at=END, early=early, grace=JOIN_GRACE
            )
        )

    assert not decide(START - early - timedelta(seconds=1))
    assert decide(START - early)
    assert decide(END + JOIN_GRACE - timedelta(seconds=1))
    assert not decide(END + JOIN_GRACE)
    assert decide(END + timedelta(hours=3), S.IN_PROGRESS)  # running late: still open
    assert not decide(START, S.CANCELLED)
    refusal = can_join(
        START - timedelta(hours=1), status=S.SCHEDULED, starts_at=START, ends_at=END, early=early
    )
    assert refusal.params == {"minutes": 30}
