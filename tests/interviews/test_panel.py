from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from portal.interviews import service
from portal.scheduling import (
    ActorKind,
    FeedbackLocked,
    InvalidTransition,
    Recommendation,
    Scorecard,
    Status,
)
from portal.scheduling.states import CLOSED, NOT_ALLOWED, TOO_EARLY_NO_SHOW
from tests.factories import WEDNESDAY_10, World
from tests.interviews.support import outbox_rows
from tests.support.when import NOW

STARTED = WEDNESDAY_10 + timedelta(minutes=5)


async def _booked(world: World) -> int:
    detail = await service.create(
        world.db, world.hub, world.draft(), actor=world.hr("liuyang"), now=NOW
    )
    return detail.id


async def test_respond_accept_twice_changes_nothing_the_second_time(world: World) -> None:
    interview_id = await _booked(world)
    lina = world["lina"].id
    first = await service.respond(
        world.db,
        world.hub,
        interview_id=interview_id,
        actor=world.interviewer("lina"),
        accept=True,
        reason=None,
        now=NOW,
    )
    second = await service.respond(
        world.db,
        world.hub,
        interview_id=interview_id,
        actor=world.interviewer("lina"),
        accept=True,
        reason=None,
        now=NOW + timedelta(hours=1),
    )
    before, after = first.member(lina), second.member(lina)
    assert before is not None and before.rsvp == "accepted"
    assert after is not None and after.responded_at == NOW
    assert [e.kind for e in world.hub.events] == ["created", "rsvp"]


async def test_respond_decline_tells_the_creator_once(world: World) -> None:
    interview_id = await _booked(world)
    for _ in range(2):
        detail = await service.respond(
            world.db,
            world.hub,
            interview_id=interview_id,
            actor=world.interviewer("zhangwei"),
            accept=False,
            reason="On leave",
            now=NOW,
        )
    member = detail.member(world["zhangwei"].id)
    assert member is not None and (member.rsvp, member.rsvp_reason) == ("declined", "On leave")
    rows = await outbox_rows(world.db, kind="interviewer_declined")
    assert [(r["recipient"], r["payload"]) for r in rows] == [
        (
            "liuyang",
            {
                "interview_id": interview_id,
                "version": 1,
                "interviewer": "zhangwei",
                "reason": "On leave",
            },
        )
    ]


async def test_respond_off_panel_is_not_found(world: World) -> None:
    interview_id = await _booked(world)
    with pytest.raises(service.InterviewNotFound):
        await service.respond(
            world.db,
            world.hub,
            interview_id=interview_id,
            actor=world.interviewer("sunhao"),
            accept=True,
            reason=None,
            now=NOW,
        )


async def test_change_status_walks_the_happy_path_with_history(world: World) -> None:
    interview_id = await _booked(world)
    for target in (Status.IN_PROGRESS, Status.COMPLETED):
        detail = await service.change_status(
            world.db,
            world.hub,
            interview_id=interview_id,
            target=target,
            actor=world.interviewer("zhangwei"),
            now=STARTED,
        )
        assert detail.status == target
    assert detail.version == 3 and detail.updated_by_name == "张伟"
    assert [e.kind for e in world.hub.events][-2:] == ["status", "status"]
    assert all(e.event_id for e in world.hub.events[-2:])


@pytest.mark.parametrize(
    ("target", "actor_kind", "when", "message", "status"),
    [
        (Status.NO_SHOW, ActorKind.INTERVIEWER, NOW, TOO_EARLY_NO_SHOW, 409),
        (Status.CHECKED_IN, ActorKind.HR, STARTED, NOT_ALLOWED, 403),
        (Status.CANCELLED, ActorKind.HR, STARTED, NOT_ALLOWED, 403),
    ],
)
async def test_change_status_refusals_carry_the_rule_message(
    world: World, target: Status, actor_kind: ActorKind, when: datetime, message: str, status: int
) -> None:
    interview_id = await _booked(world)
    actor = world.hr("liuyang") if actor_kind == ActorKind.HR else world.interviewer("lina")
    with pytest.raises(InvalidTransition) as caught:
        await service.change_status(
            world.db,
            world.hub,
            interview_id=interview_id,
            target=target,
            actor=actor,
            now=when,
        )
    assert (caught.value.message, caught.value.status) == (message, status)


async def test_change_status_after_no_show_is_closed_and_reminders_go(world: World) -> None:
    interview_id = await _booked(world)
    await service.change_status(
        world.db,
        world.hub,
        interview_id=interview_id,
        target=Status.NO_SHOW,
        actor=world.interviewer("lina"),
        now=STARTED,
    )
    with pytest.raises(InvalidTransition) as caught:
        await service.change_status(
            world.db,
            world.hub,
            interview_id=interview_id,
            target=Status.IN_PROGRESS,
            actor=world.hr("liuyang"),
            now=STARTED,
        )
    assert caught.value.message == CLOSED
    pending = [r["kind"] for r in await outbox_rows(world.db, status="pending")]
    assert sorted(set(pending)) == ["invited"]


async def test_change_status_interviewer_off_panel_is_not_found(world: World) -> None:
    interview_id = await _booked(world)
    with pytest.raises(service.InterviewNotFound):
        await service.change_status(
            world.db,
            world.hub,
            interview_id=interview_id,
            target=Status.IN_PROGRESS,
            actor=world.interviewer("sunhao"),
            now=STARTED,
        )


CARD = Scorecard(3, Recommendation.YES, "Clear", "Tests", None, submit=False)


async def test_feedback_draft_then_submit_then_read_only(world: World) -> None:
    interview_id = await _booked(world)
    lina = world["lina"].id
    draft = await service.save_feedback(
        world.db, world.hub, interview_id=interview_id, person_id=lina, card=CARD, now=STARTED
    )
    assert draft.status == "draft" and draft.submitted_at is None
    final = await service.submit_feedback(
        world.db, world.hub, interview_id=interview_id, person_id=lina, card=CARD, now=STARTED
    )
    assert final.status == "submitted" and final.submitted_at == STARTED
    with pytest.raises(FeedbackLocked):
        await service.save_feedback(
            world.db, world.hub, interview_id=interview_id, person_id=lina, card=CARD, now=STARTED
        )


async def test_feedback_before_start_is_closed(world: World) -> None:
    interview_id = await _booked(world)
    with pytest.raises(service.FeedbackClosed):
        await service.save_feedback(
            world.db,
            world.hub,
            interview_id=interview_id,
            person_id=world["lina"].id,
            card=CARD,
            now=NOW,
        )


async def test_feedback_visible_to_panel_only_after_their_own_submission(world: World) -> None:
    interview_id = await _booked(world)
    zhang, lina, hr = world["zhangwei"].id, world["lina"].id, world["liuyang"].id
    await service.submit_feedback(
        world.db, world.hub, interview_id=interview_id, person_id=zhang, card=CARD, now=STARTED
    )
    await service.save_feedback(
        world.db, world.hub, interview_id=interview_id, person_id=lina, card=CARD, now=STARTED
    )
    from portal.db.interviews import get_detail

    detail = await get_detail(world.db, interview_id)
    assert detail is not None
    own, others = await service.feedback_for(world.db, detail, person_id=lina, is_hr=False)
    assert own is not None and own.status == "draft" and others == []
    _, seen_by_hr = await service.feedback_for(world.db, detail, person_id=hr, is_hr=True)
    assert [e.person_id for e in seen_by_hr] == [zhang]  # lina's draft stays private
    await service.submit_feedback(
        world.db, world.hub, interview_id=interview_id, person_id=lina, card=CARD, now=STARTED
    )
    _, others = await service.feedback_for(world.db, detail, person_id=lina, is_hr=False)
    assert [e.person_id for e in others] == [zhang]
