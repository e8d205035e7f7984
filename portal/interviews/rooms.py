"""The room step of a booking: the platform room is asked for in the booking's transaction.

The rooms worker (`portal.rooms.provision`) makes or edits it afterwards, so booking never
waits for the platform, and a booking that commits always gets its room in the end.
"""

from __future__ import annotations

from datetime import datetime

from portal.db import rooms as store
from portal.db.database import Database
from portal.db.interviews import InterviewDetail
from portal.db.plans import get_round
from portal.db.positions import position_room_kind
from portal.interviews.checks import BookingPolicy
from portal.interviews.drafts import RoomChoice
from portal.scheduling import InterviewDraft
from portal.scheduling.rooms import PLATFORM_TYPES, RoomKind


async def chosen(
    db: Database, draft: InterviewDraft, current: InterviewDetail | None
) -> RoomChoice:
    """The form's choice; else its plan round's; else the interview's own; else its
    position's default."""
    if draft.room_kind is not None:
        return RoomChoice(draft.room_kind.value, draft.room_paper_uid)
    plan_round = None if draft.plan_round_id is None else await get_round(db, draft.plan_round_id)
    if plan_round is not None:
        return RoomChoice(plan_round.room_kind, plan_round.room_paper_uid)
    if current is not None:
        return RoomChoice(current.room_kind, current.room_paper_uid)
    kind = await position_room_kind(db, draft.position_id) or RoomKind.NONE.value
    return RoomChoice(kind, None)


async def booked(
    db: Database, interview_id: int, choice: RoomChoice, policy: BookingPolicy, *, now: datetime
) -> None:
    """A new interview that wants a platform room queues it."""
    type_id = PLATFORM_TYPES.get(RoomKind(choice.kind))
    if policy.platform_rooms and type_id is not None:
        await store.want_room(db, interview_id, type_id=type_id, now=now)


async def edited(
    db: Database,
    current: InterviewDetail,
    choice: RoomChoice,
    *,
    panel_changed: bool,
    policy: BookingPolicy,
    now: datetime,
) -> None:
    """After an edit: the platform hears of a new panel, kind or paper; "no room" closes it.

    A new time changes nothing there: the room and its links are permanent.
    """
    if not policy.platform_rooms:
        return
    type_id = PLATFORM_TYPES.get(RoomKind(choice.kind))
    if type_id is None:
        if current.room is not None:
            await store.close_room(db, current.id, now=now)
        return
    changed = (choice.kind, choice.paper_uid) != (current.room_kind, current.room_paper_uid)
    if current.room is None or current.room.state == store.CLOSED or changed or panel_changed:
        await store.want_room(db, current.id, type_id=type_id, now=now)


async def called_off(db: Database, interview_id: int, *, now: datetime) -> None:
    """Cancelled: the room is left on the platform (it has no delete) but no link is given."""
    await store.close_room(db, interview_id, now=now)
