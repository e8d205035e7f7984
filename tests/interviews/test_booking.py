from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from starlette.datastructures import FormData

from portal.db.tables import audit_log, interview_interviewers, status_events
from portal.interviews import service
from portal.scheduling import (
    BookingConflict,
    CancelDraft,
    ConflictKind,
    InvalidTransition,
    RescheduleDraft,
    Slot,
    Status,
    ValidationFailed,
    validate_cancel,
)
from portal.scheduling.conflicts import CANDIDATE_BUSY, INTERVIEWER_BUSY, INTERVIEWER_TOO_CLOSE
from tests.factories import WEDNESDAY_10, World, add_candidate
from tests.interviews.support import outbox_rows
from tests.support.when import NOW


async def test_create_writes_panel_history_and_outbox(world: World) -> None:
    detail = await service.create(
        world.db, world.hub, world.draft(), actor=world.hr("liuyang"), now=NOW
    )
    assert detail.status == Status.SCHEDULED and detail.version == 1
    assert {m.wecom_userid for m in detail.panel} == {"zhangwei", "lina"}
    assert all(m.rsvp == "pending" for m in detail.panel)
    assert detail.created_by_name == "刘洋"
    events = await world.db.fetch_all(sa.select(status_events))
    assert [(e["from_status"], e["to_status"], e["actor_id"]) for e in events] == [
        (None, "scheduled", "liuyang")
    ]
    rows = await outbox_rows(world.db)
    kinds = sorted((r["kind"], r["recipient"]) for r in rows)
    assert kinds == sorted(
        (kind, userid)
        for kind in ("invited", "reminder", "feedback_due")
        for userid in ("zhangwei", "lina")
    )
    due = {r["kind"]: r["next_attempt_at"] for r in rows if r["recipient"] == "lina"}
    assert due["reminder"] == WEDNESDAY_10 - timedelta(minutes=15)
    assert due["feedback_due"] == WEDNESDAY_10 + timedelta(hours=2)
    assert rows[0]["payload"] == {"interview_id": detail.id, "version": 1}
    assert [r["dedupe_key"] for r in rows if r["kind"] == "invited"][0].endswith(":1")
    assert [(e.interview_id, e.kind) for e in world.hub.events] == [(detail.id, "created")]


async def test_create_overlap_is_refused_without_override(world: World) -> None:
    await service.create(world.db, world.hub, world.draft(), actor=world.hr("liuyang"), now=NOW)
    later = WEDNESDAY_10 + timedelta(minutes=30)
    with pytest.raises(BookingConflict) as caught:
        await service.create(
            world.db,
            world.hub,
            world.draft(later, panel=("zhangwei",), candidate_id=None),
            actor=world.hr("liuyang"),
            now=NOW,
        )
    kinds = {(c.kind, c.message) for c in caught.value.conflicts}
    assert kinds == {
        (ConflictKind.INTERVIEWER_OVERLAP, INTERVIEWER_BUSY),
        (ConflictKind.CANDIDATE_OVERLAP, CANDIDATE_BUSY),
    }


async def test_create_buffer_too_close_is_refused(world: World) -> None:
    await service.create(world.db, world.hub, world.draft(), actor=world.hr("liuyang"), now=NOW)
    other = await _other_candidate(world)
    with pytest.raises(BookingConflict) as caught:
        await service.create(
            world.db,
            world.hub,
            world.draft(WEDNESDAY_10 + timedelta(minutes=70), panel=("lina",), candidate_id=other),
            actor=world.hr("liuyang"),
            now=NOW,
        )
    assert [c.message for c in caught.value.conflicts] == [INTERVIEWER_TOO_CLOSE]


async def test_create_override_books_and_is_audited(world: World) -> None:
    first = await service.create(
        world.db, world.hub, world.draft(), actor=world.hr("liuyang"), now=NOW
    )
    other = await _other_candidate(world)
    second = await service.create(
        world.db,
        world.hub,
        world.draft(panel=("zhangwei", "sunhao"), candidate_id=other, override=True),
        actor=world.hr("zhaolei"),
        now=NOW,
    )
    overridden = {m.wecom_userid: m.overlap_override for m in second.panel}
    assert overridden == {"zhangwei": True, "sunhao": False}
    entry = await world.db.fetch_one(
        sa.select(audit_log).where(audit_log.c.action == "booking_override")
    )
    assert entry is not None and entry["actor_id"] == "zhaolei"
    assert entry["target_id"] == str(second.id)
    assert {
        "kind": "interviewer_overlap",
        "person_id": world["zhangwei"].id,
        "interview_id": first.id,
    } in entry["detail"]["overlaps"]


async def test_update_stale_version_is_refused_with_current_values(world: World) -> None:
    created = await service.create(
        world.db, world.hub, world.draft(), actor=world.hr("liuyang"), now=NOW
    )
    first = world.draft(version=1, room_url="https://meet.example.com/r/new")
    await service.update(world.db, world.hub, created.id, first, actor=world.hr("zhaolei"), now=NOW)
    with pytest.raises(service.StaleInterview) as caught:
        await service.update(
            world.db,
            world.hub,
            created.id,
            world.draft(version=1, room_url=None),
            actor=world.hr("liuyang"),
            now=NOW,
        )
    assert caught.value.status == 409
    assert caught.value.params == {"name": "赵蕾"}
    assert caught.value.current.version == 2
    assert caught.value.current.room_url == "https://meet.example.com/r/new"


async def test_update_changes_panel_and_notifies_added_and_removed(world: World) -> None:
    created = await service.create(
        world.db, world.hub, world.draft(), actor=world.hr("liuyang"), now=NOW
    )
    draft = world.draft(panel=("zhangwei", "sunhao"), version=1)
    updated = await service.update(
        world.db, world.hub, created.id, draft, actor=world.hr("liuyang"), now=NOW
    )
    assert {m.wecom_userid for m in updated.panel} == {"zhangwei", "sunhao"}
    assert updated.version == 2
    lina = {r["kind"]: r["status"] for r in await outbox_rows(world.db, recipient="lina")}
    assert lina == {
        "invited": "pending",
        "reminder": "cancelled",
        "feedback_due": "cancelled",
        "removed": "pending",
    }
    sunhao = sorted(r["dedupe_key"] for r in await outbox_rows(world.db, recipient="sunhao"))
    assert sunhao == [
        f"feedback_due:{created.id}:sunhao:2",
        f"invited:{created.id}:sunhao:2",
        f"reminder:{created.id}:sunhao:2",
    ]
    assert not [
        r for r in await outbox_rows(world.db, recipient="zhangwei") if r["kind"] == "changed"
    ]


async def test_reschedule_resets_replies_and_replaces_reminders(world: World) -> None:
    created = await service.create(
        world.db, world.hub, world.draft(), actor=world.hr("liuyang"), now=NOW
    )
    await service.respond(
        world.db,
        world.hub,
        interview_id=created.id,
        actor=world.interviewer("lina"),
        accept=True,
        reason=None,
        now=NOW,
    )
    await service.change_status(
        world.db,
        world.hub,
        interview_id=created.id,
        target=Status.CONFIRMED,
        actor=world.hr("liuyang"),
        now=NOW,
    )
    moved = Slot.starting(WEDNESDAY_10 + timedelta(hours=3), timedelta(minutes=45))
    draft = RescheduleDraft(moved, "Asia/Shanghai", "Candidate asked", False, 2)
    detail = await service.reschedule(
        world.db, world.hub, created.id, draft, actor=world.hr("liuyang"), now=NOW
    )
    assert detail.slot == moved and detail.version == 3 and detail.status == Status.SCHEDULED
    assert all(m.rsvp == "pending" for m in detail.panel)
    rows = await world.db.fetch_all(sa.select(interview_interviewers))
    assert {(r["starts_at"], r["ends_at"]) for r in rows} == {(moved.starts_at, moved.ends_at)}
    lina = await outbox_rows(world.db, recipient="lina")
    reminders = [
        (r["dedupe_key"], r["status"], r["next_attempt_at"])
        for r in lina
        if r["kind"] == "reminder"
    ]
    assert reminders == [
        (f"reminder:{created.id}:lina:1", "cancelled", WEDNESDAY_10 - timedelta(minutes=15)),
        (f"reminder:{created.id}:lina:3", "pending", moved.starts_at - timedelta(minutes=15)),
    ]
    changed = [r for r in lina if r["kind"] == "changed"]
    assert changed[0]["payload"] == {
        "interview_id": created.id,
        "version": 3,
        "reason": "Candidate asked",
    }


async def test_reschedule_to_same_time_is_a_field_error(world: World) -> None:
    created = await service.create(
        world.db, world.hub, world.draft(), actor=world.hr("liuyang"), now=NOW
    )
    draft = RescheduleDraft(created.slot, "Asia/Shanghai", None, False, 1)
    with pytest.raises(ValidationFailed) as caught:
        await service.reschedule(
            world.db, world.hub, created.id, draft, actor=world.hr("liuyang"), now=NOW
        )
    assert set(caught.value.errors) == {"time"}


async def test_cancel_needs_reason_withdraws_reminders_and_frees_the_slot(world: World) -> None:
    with pytest.raises(ValidationFailed):
        validate_cancel(FormData([("reason", "  ")]))
    created = await service.create(
        world.db, world.hub, world.draft(), actor=world.hr("liuyang"), now=NOW
    )
    detail = await service.cancel(
        world.db,
        world.hub,
        created.id,
        CancelDraft("Position filled", 1),
        actor=world.hr("liuyang"),
        now=NOW,
    )
    assert detail.status == Status.CANCELLED and detail.cancel_reason == "Position filled"
    rows = await outbox_rows(world.db, recipient="zhangwei")
    assert {r["kind"]: r["status"] for r in rows} == {
        "invited": "pending",
        "reminder": "cancelled",
        "feedback_due": "cancelled",
        "cancelled": "pending",
    }
    audit = await world.db.fetch_one(
        sa.select(audit_log).where(audit_log.c.action == "interview_cancelled")
    )
    assert audit is not None and audit["detail"] == {"reason": "Position filled"}
    again = await service.create(
        world.db, world.hub, world.draft(), actor=world.hr("liuyang"), now=NOW
    )
    assert again.id != created.id
    with pytest.raises(InvalidTransition):
        await service.cancel(
            world.db,
            world.hub,
            created.id,
            CancelDraft("again", None),
            actor=world.hr("liuyang"),
            now=NOW,
        )


async def _other_candidate(world: World) -> int:
    return await add_candidate(world.db, "李雷", phone=None, email=None, now=world.now)


async def test_create_makes_candidate_link_and_reschedule_moves_its_expiry(world: World) -> None:
    from portal.db.reschedule_requests import Window, add_request, open_reschedule_requests
    from portal.db.share_links import active_link_for

    created = await service.create(
        world.db, world.hub, world.draft(), actor=world.hr("liuyang"), now=NOW
    )
    link = await active_link_for(world.db, created.id)
    assert link is not None and link.expires_at == created.ends_at + timedelta(hours=24)
    window = Window(WEDNESDAY_10 + timedelta(days=2), WEDNESDAY_10 + timedelta(days=2, hours=1))
    await add_request(
        world.db,
        interview_id=created.id,
        link_id=link.id,
        windows=[window],
        timezone="Asia/Shanghai",
        message=None,
        now=NOW,
    )
    moved = Slot.starting(WEDNESDAY_10 + timedelta(days=2), timedelta(minutes=60))
    draft = RescheduleDraft(moved, "Asia/Shanghai", "As the candidate asked", False, 1)
    await service.reschedule(
        world.db, world.hub, created.id, draft, actor=world.hr("liuyang"), now=NOW
    )
    after = await active_link_for(world.db, created.id)
    assert after is not None and after.id == link.id
    assert after.expires_at == moved.ends_at + timedelta(hours=24)
    assert await open_reschedule_requests(world.db, [created.id]) == {}
