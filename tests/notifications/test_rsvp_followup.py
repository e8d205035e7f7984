"""RSVP follow-up (issue 16): no reply two working days after the invitation → one reminder to
the interviewer, a flag for HR on the board, the home page and the morning digest."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import sqlalchemy as sa

from portal.clock import FrozenClock
from portal.db.database import Database
from portal.db.outbox import dedupe_key, enqueue
from portal.db.rsvp_followup import no_reply_ids
from portal.db.tables import outbox
from portal.interviews import service
from portal.interviews.panel import respond
from portal.notifications import kinds
from portal.notifications.worker import OutboxWorker
from portal.scheduling.rsvp_followup import add_working_days, reminder_due, rsvp_overdue
from tests.conftest import Auth
from tests.factories import World, add_person
from tests.interviews.web import EN
from tests.support.html import soup
from tests.support.sandbox import SandboxControl
from tests.support.when import (
    FRIDAY,
    MONDAY,
    NOW,
    SATURDAY,
    THURSDAY,
    WEDNESDAY,
    days_after,
    local_day,
    next_weekday_at,
)

SHANGHAI = "Asia/Shanghai"
NEW_YORK = "America/New_York"
TITLE = "You have not replied yet"
BADGE = "No reply for 2 days"
# NOW is a Tuesday 10:00 in Shanghai: two working days later is Thursday 10:00.
THURSDAY_10 = days_after(NOW, 2, time(10))
WEEK_LATER = NOW + timedelta(days=7)  # an interview far enough ahead for the full wait


# --- the working-days maths (pure) -------------------------------------------------------------


def test_two_working_days_from_friday_afternoon_is_tuesday_same_time() -> None:
    friday = next_weekday_at(FRIDAY, time(15), after=NOW)
    tuesday = next_weekday_at(1, time(15), after=friday)
    assert add_working_days(friday, 2, SHANGHAI) == tuesday
    assert add_working_days(NOW, 2, SHANGHAI) == THURSDAY_10
    assert add_working_days(NOW, 0, SHANGHAI) == NOW


def test_weekend_invitation_counts_from_monday_morning() -> None:
    saturday = next_weekday_at(SATURDAY, time(22), after=NOW)
    monday = next_weekday_at(MONDAY, time(9), after=saturday)
    assert add_working_days(saturday, 2, SHANGHAI) == monday + timedelta(days=2)  # Wed 09:00
    assert add_working_days(saturday, 2, SHANGHAI) == next_weekday_at(
        WEDNESDAY, time(9), after=saturday
    )


def test_working_days_are_counted_in_the_zone_given() -> None:
    # Tuesday 10:00 in Shanghai is still Monday evening in New York: Wednesday there.
    in_new_york = add_working_days(NOW, 2, NEW_YORK).astimezone(ZoneInfo(NEW_YORK))
    assert in_new_york.weekday() == WEDNESDAY
    assert in_new_york.time() == NOW.astimezone(ZoneInfo(NEW_YORK)).time()


def _friday_before_dst_change() -> datetime:
    """The first Friday 15:00 in New York, after NOW, with a clock change before Tuesday."""
    friday = next_weekday_at(FRIDAY, time(15), zone=ZoneInfo(NEW_YORK), after=NOW)
    while (friday + timedelta(days=4)).astimezone(ZoneInfo(NEW_YORK)).utcoffset() == (
        friday.astimezone(ZoneInfo(NEW_YORK)).utcoffset()
    ):
        friday += timedelta(days=7)
        friday = next_weekday_at(
            FRIDAY, time(15), zone=ZoneInfo(NEW_YORK), after=friday - timedelta(hours=12)
        )
    return friday


def test_working_days_keep_the_wall_clock_across_dst() -> None:
    friday = _friday_before_dst_change()
    tuesday = add_working_days(friday, 2, NEW_YORK)
    local = tuesday.astimezone(ZoneInfo(NEW_YORK))
    assert local.weekday() == 1 and local.time() == time(15)  # Tuesday 15:00 local
    assert tuesday - friday != timedelta(days=4)  # an hour more or less in UTC


def test_rsvp_overdue_only_after_two_working_days() -> None:
    assert not rsvp_overdue(NOW, THURSDAY_10 - timedelta(minutes=1), SHANGHAI)
    assert rsvp_overdue(NOW, THURSDAY_10, SHANGHAI)
    friday = next_weekday_at(FRIDAY, time(15), after=NOW)
    monday_evening = next_weekday_at(MONDAY, time(20), after=friday)
    assert not rsvp_overdue(friday, monday_evening, SHANGHAI)  # the weekend does not count


def test_reminder_due_before_a_close_start() -> None:
    assert reminder_due(NOW, WEEK_LATER, SHANGHAI) == THURSDAY_10
    soon = NOW + timedelta(days=1, hours=12)  # Wednesday 22:00: a day before is Tue 22:00
    assert reminder_due(NOW, soon, SHANGHAI) == soon - timedelta(days=1)
    assert reminder_due(NOW, NOW + timedelta(hours=26), SHANGHAI) is None  # too close


# --- against the database and the WeCom sandbox ------------------------------------------------


@pytest.fixture
async def english(world: World) -> World:
    """The world, with lina and liuyang in English and liuyang taking the digest."""
    world.people["lina"] = await add_person(world.db, "lina", locale="en")
    world.people["liuyang"] = await add_person(world.db, "liuyang", locale="en", digest=True)
    return world


async def book(world: World, starts_at: datetime = WEEK_LATER) -> int:
    draft = world.draft(starts_at, panel=("lina",))
    detail = await service.create(world.db, world.hub, draft, actor=world.hr("liuyang"), now=NOW)
    return detail.id


async def _reminders(db: Database) -> list[dict[str, Any]]:
    query = sa.select(outbox).where(outbox.c.kind == kinds.RSVP_REMINDER).order_by(outbox.c.id)
    return [dict(row) for row in await db.fetch_all(query)]


async def settle(worker: OutboxWorker) -> None:
    while await worker.run_once():
        pass


def titles(sandbox: SandboxControl, userid: str) -> list[str]:
    return [m["body"]["main_title"]["title"] for m in sandbox.messages(userid)]


async def test_booking_queues_one_reminder_two_working_days_later(english: World) -> None:
    interview = await book(english)
    [row] = await _reminders(english.db)
    assert row["recipient"] == "lina" and row["interview_id"] == interview
    assert row["next_attempt_at"] == THURSDAY_10
    assert row["payload"] == {"interview_id": interview, "version": 1}
    # An interview the day after tomorrow: reminded a day before it starts.
    close = await book(english, NOW + timedelta(days=2, hours=4))
    [_, early] = await _reminders(english.db)
    assert early["interview_id"] == close
    assert early["next_attempt_at"] == NOW + timedelta(days=1, hours=4)


async def test_reminder_is_sent_once_as_a_reply_card(
    english: World, worker: OutboxWorker, sandbox: SandboxControl, clock: FrozenClock
) -> None:
    interview = await book(english)
    await settle(worker)
    assert titles(sandbox, "lina") == ["Interview invitation"]
    clock.set(THURSDAY_10 - timedelta(minutes=1))
    await settle(worker)
    assert titles(sandbox, "lina") == ["Interview invitation"]  # not due yet
    clock.set(THURSDAY_10)
    await settle(worker)
    clock.advance(timedelta(hours=5))
    await settle(worker)
    assert titles(sandbox, "lina") == ["Interview invitation", TITLE]
    card = sandbox.messages("lina")[1]["body"]
    assert card["card_type"] == "button_interaction"
    assert [b["key"] for b in card["button_list"]] == [
        f"rsvp:{interview}:1:accept",
        f"rsvp:{interview}:1:decline",
    ]
    assert card["card_action"]["url"] == f"http://portal.test/mine/{interview}"
    [row] = await _reminders(english.db)
    assert row["status"] == "sent" and row["attempts"] == 1


async def test_reminder_is_skipped_once_the_interviewer_accepted(
    english: World, worker: OutboxWorker, sandbox: SandboxControl, clock: FrozenClock
) -> None:
    interview = await book(english)
    await settle(worker)
    await respond(
        english.db,
        english.hub,
        interview_id=interview,
        actor=english.interviewer("lina"),
        accept=True,
        reason=None,
        now=NOW + timedelta(hours=1),
    )
    clock.set(THURSDAY_10)
    await settle(worker)
    assert TITLE not in titles(sandbox, "lina")
    [row] = await _reminders(english.db)
    assert row["status"] == "cancelled"
    assert row["last_error"] == "the interviewer already replied"


async def test_board_flags_no_reply_after_two_working_days(
    client: httpx.AsyncClient, hr: Auth, english: World, clock: FrozenClock
) -> None:
    await book(english)
    board = f"/board?day={local_day(WEEK_LATER).isoformat()}"
    clock.set(THURSDAY_10 - timedelta(minutes=1))
    await hr.login_as("liuyang")  # a session does not outlast days of idling
    page = soup(await client.get(board, headers=EN))
    assert page.select("table.board tbody tr[id]")
    assert page.select(".badge.no-reply") == []
    home = soup(await client.get("/", headers=EN))
    assert home.select("ul.no-reply li") == []
    clock.set(THURSDAY_10)
    await hr.login_as("liuyang")
    page = soup(await client.get(board, headers=EN))
    [badge] = page.select("ul.panel li .badge.no-reply")
    assert badge.get_text() == BADGE
    assert badge.parent is not None and "李娜" in badge.parent.get_text()
    home = soup(await client.get("/", headers=EN))
    [line] = home.select("ul.no-reply li")
    assert "李娜 (Li Na) has not replied for 2 working days" in line.get_text()


async def test_board_drops_the_flag_once_they_reply(
    client: httpx.AsyncClient, hr: Auth, english: World, clock: FrozenClock
) -> None:
    interview = await book(english)
    clock.set(THURSDAY_10)
    await hr.login_as("liuyang")
    board = f"/board?day={local_day(WEEK_LATER).isoformat()}"
    assert len(soup(await client.get(board, headers=EN)).select(".badge.no-reply")) == 1
    await respond(
        english.db,
        english.hub,
        interview_id=interview,
        actor=english.interviewer("lina"),
        accept=False,
        reason="Travelling",
        now=THURSDAY_10,
    )
    page = soup(await client.get(board, headers=EN))
    assert page.select(".badge.no-reply") == []


async def test_morning_digest_names_who_has_not_replied(
    english: World, worker: OutboxWorker, sandbox: SandboxControl, clock: FrozenClock
) -> None:
    await book(english)
    await settle(worker)
    friday_8 = next_weekday_at(FRIDAY, time(8), after=NOW)
    thursday_8 = next_weekday_at(THURSDAY, time(8), after=NOW)
    for day_at in (thursday_8, friday_8):
        day = local_day(day_at).isoformat()
        await enqueue(
            english.db,
            kind=kinds.DAILY_DIGEST,
            recipient="liuyang",
            payload={"date": day},
            dedupe=dedupe_key(kinds.DAILY_DIGEST, day, "liuyang"),
            now=NOW,
            due_at=day_at,
        )
    clock.set(thursday_8)  # two hours short of two working days: nothing to say that day
    await settle(worker)
    assert sandbox.messages("liuyang") == []
    clock.set(friday_8)
    await settle(worker)
    [digest] = sandbox.messages("liuyang")
    note = digest["body"]["sub_title_text"]
    assert note.endswith("No reply for 2 working days (1): 李娜 (Li Na).")


async def test_the_live_board_row_keeps_the_flag(english: World, clock: FrozenClock) -> None:
    # The live stream renders one row from the interview, not the board's day query.
    interview = await book(english)
    assert (
        await no_reply_ids(english.db, interview, now=THURSDAY_10 - timedelta(minutes=1)) == set()
    )
    assert await no_reply_ids(english.db, interview, now=THURSDAY_10) == {english["lina"].id}
    await respond(
        english.db,
        english.hub,
        interview_id=interview,
        actor=english.interviewer("lina"),
        accept=True,
        reason=None,
        now=THURSDAY_10,
    )
    assert await no_reply_ids(english.db, interview, now=THURSDAY_10) == set()
