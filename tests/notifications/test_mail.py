"""Candidate email (issue 16): queued by booking, rescheduling and cancelling, sent by the
outbox worker over SMTP to a real aiosmtpd server on loopback, with the .ics attached."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from icalendar import Calendar
from starlette.datastructures import Secret

from portal.clock import FrozenClock
from portal.db.database import Database
from portal.db.tables import candidates, outbox
from portal.interviews import service
from portal.interviews.checks import BookingPolicy
from portal.notifications import kinds
from portal.notifications.mailbox import (
    Mailbox,
    Received,
    create_mailbox_app,
    free_port,
    start_server,
)
from portal.notifications.prepare import Delivery
from portal.notifications.worker import OutboxWorker, WorkerConfig
from portal.scheduling import CancelDraft, RescheduleDraft, Slot
from portal.settings import MailSettings, SettingsError, load_settings
from tests.conftest import environ_for
from tests.factories import CANDIDATE_EMAIL, World
from tests.notifications.conftest import FAST_POLICY, Drain
from tests.support.sandbox import SandboxControl

SECRET = "x" * 40
MAILING = BookingPolicy(candidate_mail=True)  # what SMTP_HOST set gives


class Refusing(Mailbox):
    """A server that answers every message with a permanent 550."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: object
    ) -> str:
        return "550 5.1.1 No such mailbox here"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, Controller]]:
    box = Mailbox()
    controller = start_server(box)
    yield box, controller
    controller.stop()


def _settings(port: int) -> MailSettings:
    return MailSettings("127.0.0.1", port, "", Secret(""), "hr@example.com", "none", 2.0)


def _worker(delivery: Delivery, clock: FrozenClock, port: int) -> OutboxWorker:
    mailing = dataclasses.replace(
        delivery, mail=_settings(port), secret_key=SECRET, company_name="Example Tech"
    )
    return OutboxWorker(mailing, WorkerConfig(policy=FAST_POLICY), clock=clock, rng=lambda: 0.5)


async def _book(db: Database, world: World, clock: FrozenClock, days: int = 3) -> int:
    draft = world.draft(clock.now() + timedelta(days=days))
    detail = await service.create(
        db, world.hub, draft, actor=world.hr("liuyang"), now=clock.now(), policy=MAILING
    )
    return detail.id


async def _mail_rows(db: Database) -> list[dict[str, object]]:
    query = sa.select(outbox).where(outbox.c.kind.in_(kinds.MAIL_KINDS)).order_by(outbox.c.id)
    return [dict(row) for row in await db.fetch_all(query)]


def _ics(received: Received) -> Calendar:
    [(name, content_type, body)] = received.attachments()
    assert (name, content_type) == ("interview.ics", "text/calendar")
    return Calendar.from_ical(body)


async def test_booking_mails_the_candidate_in_their_language_and_zone_with_the_ics(
    db: Database,
    world: World,
    clock: FrozenClock,
    delivery: Delivery,
    drain: Drain,
    sandbox: SandboxControl,
    mailbox: tuple[Mailbox, Controller],
) -> None:
    box, controller = mailbox
    await db.execute(
        candidates.update()
        .where(candidates.c.id == world.candidate_id)
        .values(timezone="Europe/London")
    )
    expected = clock.now() + timedelta(days=3)
    interview_id = await _book(db, world, clock)
    assert [r["kind"] for r in await _mail_rows(db)] == [kinds.MAIL_BOOKED, kinds.MAIL_REMINDER]
    await drain(_worker(delivery, clock, controller.port))
    first, reminder = box.messages(CANDIDATE_EMAIL)
    assert first.subject.startswith("您的面试已安排")  # the company's language: Chinese
    event = next(c for c in _ics(first).walk("VEVENT"))
    assert event.decoded("dtstart") == expected.astimezone(UTC)
    assert str(event["uid"]).startswith(f"interview-{interview_id}@")
    london = expected.astimezone(ZoneInfo("Europe/London"))
    assert f"{london:%H:%M}" in first.text and "Europe/London" in first.text
    assert "http://portal.test/c/" in first.text
    assert str(event["status"]) == "CONFIRMED"
    assert reminder.subject.startswith("提醒")


async def test_reschedule_and_cancel_mail_the_candidate(
    db: Database,
    world: World,
    clock: FrozenClock,
    delivery: Delivery,
    drain: Drain,
    sandbox: SandboxControl,
    mailbox: tuple[Mailbox, Controller],
) -> None:
    box, controller = mailbox
    worker = _worker(delivery, clock, controller.port)
    interview_id = await _book(db, world, clock, days=1)
    await worker.run_once()  # the clock stays: the reminder is still ahead
    later = Slot.starting(clock.now() + timedelta(days=2, hours=2), timedelta(hours=1))
    hr = world.hr("liuyang")
    moved = await service.reschedule(
        db,
        world.hub,
        interview_id,
        RescheduleDraft(later, "Asia/Shanghai", None, False, 1),
        actor=hr,
        now=clock.now(),
        policy=MAILING,
    )
    await worker.run_once()
    await service.cancel(
        db, world.hub, interview_id, CancelDraft("Filled", moved.version), actor=hr, now=clock.now()
    )
    await drain(worker)
    subjects = [m.subject for m in box.messages(CANDIDATE_EMAIL)]
    assert subjects[0].startswith("您的面试已安排")
    assert subjects[1].startswith("您的面试时间已更改")
    assert subjects[2].startswith("您的面试已取消")
    assert len(subjects) == 3  # no reminder: the cancel withdrew it
    cancelled = box.messages(CANDIDATE_EMAIL)[2]
    event = next(c for c in _ics(cancelled).walk("VEVENT"))
    assert str(event["status"]) == "CANCELLED"
    moved_event = next(c for c in _ics(box.messages(CANDIDATE_EMAIL)[1]).walk("VEVENT"))
    assert moved_event.decoded("dtstart") == later.starts_at


async def test_mail_is_retried_while_the_server_is_down_then_delivered(
    db: Database,
    world: World,
    clock: FrozenClock,
    delivery: Delivery,
    sandbox: SandboxControl,
) -> None:
    port = free_port()
    await _book(db, world, clock, days=1)
    worker = _worker(delivery, clock, port)
    await worker.run_once()
    [row] = await _mail_rows(db)
    assert row["status"] == "pending" and row["attempts"] == 1 and row["last_error"]
    box = Mailbox()
    controller = start_server(box, port=port)
    try:
        clock.set(clock.now() + timedelta(minutes=5))
        await worker.run_once()
        [row] = await _mail_rows(db)
        assert row["status"] == "sent"
        assert len(box.messages(CANDIDATE_EMAIL)) == 1
    finally:
        controller.stop()


async def test_a_mail_held_up_past_the_interview_is_not_sent(
    db: Database,
    world: World,
    clock: FrozenClock,
    delivery: Delivery,
    sandbox: SandboxControl,
    mailbox: tuple[Mailbox, Controller],
) -> None:
    box, controller = mailbox
    await _book(db, world, clock, days=1)
    clock.set(clock.now() + timedelta(days=2))  # the server was out until after it ended
    await _worker(delivery, clock, controller.port).run_once()
    assert box.messages(CANDIDATE_EMAIL) == []
    assert {r["status"] for r in await _mail_rows(db)} == {"cancelled"}


async def test_a_550_reply_is_a_dead_letter_with_the_reply(
    db: Database,
    world: World,
    clock: FrozenClock,
    delivery: Delivery,
    drain: Drain,
    sandbox: SandboxControl,
) -> None:
    box = Refusing()
    controller = start_server(box)
    try:
        await _book(db, world, clock, days=1)
        await drain(_worker(delivery, clock, controller.port))
    finally:
        controller.stop()
    [row] = await _mail_rows(db)
    assert row["status"] == "dead" and row["attempts"] == 1
    assert "550" in str(row["last_error"]) and "No such mailbox" in str(row["last_error"])
    assert box.messages() == []


async def test_no_email_on_the_candidate_queues_nothing(
    db: Database, world: World, clock: FrozenClock
) -> None:
    await db.execute(
        candidates.update().where(candidates.c.id == world.candidate_id).values(email=None)
    )
    await _book(db, world, clock)
    assert await _mail_rows(db) == []


async def test_without_smtp_settings_booking_and_cancelling_queue_no_mail(
    db: Database, world: World, clock: FrozenClock
) -> None:
    hr = world.hr("liuyang")
    draft = world.draft(clock.now() + timedelta(days=3))
    detail = await service.create(db, world.hub, draft, actor=hr, now=clock.now())
    await service.cancel(
        db, world.hub, detail.id, CancelDraft("Filled", detail.version), actor=hr, now=clock.now()
    )
    assert await _mail_rows(db) == []
    assert BookingPolicy.from_settings(
        load_settings(
            environ_for("sqlite:///x.db", SMTP_HOST="m.example.com", SMTP_FROM="a@b.cn"),
            env_file=None,
        )
    ).candidate_mail


async def test_without_a_mail_server_the_rows_are_skipped(
    db: Database,
    world: World,
    clock: FrozenClock,
    delivery: Delivery,
    drain: Drain,
    sandbox: SandboxControl,
) -> None:
    await _book(db, world, clock, days=1)
    await drain(OutboxWorker(delivery, WorkerConfig(policy=FAST_POLICY), clock=clock))
    [row] = await _mail_rows(db)
    assert row["status"] == "cancelled" or "SMTP_HOST" in str(row["last_error"])


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        ({"SMTP_TLS": "ssl"}, "SMTP_TLS"),
        ({"SMTP_FROM": "not an address"}, "SMTP_FROM"),
        ({"SMTP_PORT": "70000"}, "SMTP_PORT"),
        ({"SMTP_PORT": "abc"}, "SMTP_PORT"),
    ],
)
def test_bad_smtp_settings_stop_start_up(overrides: dict[str, str], variable: str) -> None:
    environ = environ_for("sqlite:///x.db", SMTP_HOST="mail.example.com", **overrides)
    environ.setdefault("SMTP_FROM", "hr@example.com")
    with pytest.raises(SettingsError) as raised:
        load_settings(environ, env_file=None)
    assert raised.value.variable == variable


def test_smtp_settings_are_read() -> None:
    environ = environ_for(
        "sqlite:///x.db",
        SMTP_HOST="mail.example.com",
        SMTP_FROM="hr@example.com",
        SMTP_TLS="tls",
        SMTP_PASSWORD="hunter2",
    )
    mail = load_settings(environ, env_file=None).mail
    assert mail is not None and (mail.port, mail.tls, mail.sender) == (465, "tls", "hr@example.com")
    assert "hunter2" not in repr(mail)
    assert load_settings(environ_for("sqlite:///x.db"), env_file=None).mail is None


async def test_the_mailbox_page_shows_a_received_message(
    db: Database,
    world: World,
    clock: FrozenClock,
    delivery: Delivery,
    drain: Drain,
    sandbox: SandboxControl,
    mailbox: tuple[Mailbox, Controller],
) -> None:
    box, controller = mailbox
    await _book(db, world, clock, days=1)
    await drain(_worker(delivery, clock, controller.port))
    transport = httpx.ASGITransport(app=create_mailbox_app(box))
    async with httpx.AsyncClient(transport=transport, base_url="http://mail") as http:
        index = await http.get("/", params={"to": CANDIDATE_EMAIL})
        assert index.status_code == 200 and "您的面试已安排" in index.text
        [received] = box.messages(CANDIDATE_EMAIL)
        page = await http.get(f"/{received.id}")
        assert page.status_code == 200 and "http://portal.test/c/" in page.text
        ics = await http.get(f"/{received.id}/attachments/0")
        assert ics.headers["content-type"].startswith("text/calendar")
        assert b"BEGIN:VEVENT" in ics.content
        assert (await http.get("/999")).status_code == 404
