"""The "choose your time" email (issue 16), and candidate email in the candidate's language:
sent by the outbox worker to a real aiosmtpd server on loopback."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup
from starlette.datastructures import Secret

from portal.clock import FrozenClock
from portal.db.database import Database
from portal.db.share_links import get_link
from portal.db.tables import candidates, outbox, positions
from portal.interviews import service
from portal.interviews.checks import BookingPolicy
from portal.notifications import kinds
from portal.notifications.mailbox import Mailbox, Received, start_server
from portal.notifications.prepare import Delivery
from portal.notifications.worker import OutboxWorker, WorkerConfig
from portal.scheduling.self_schedule import SelfScheduleDraft
from portal.settings import MailSettings
from portal.share import choosing
from portal.share.signing import verify_candidate_link
from tests.factories import CANDIDATE_EMAIL, POSITION_TITLE, World
from tests.notifications.conftest import FAST_POLICY, Drain
from tests.support.sandbox import SandboxControl

SECRET = "y" * 40
MAILING = BookingPolicy(candidate_mail=True)
LINK = re.compile(r"http://portal\.test/c/(\S+)")


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, Controller]]:
    box = Mailbox()
    controller = start_server(box)
    yield box, controller
    controller.stop()


def _worker(delivery: Delivery, clock: FrozenClock, port: int) -> OutboxWorker:
    mail = MailSettings("127.0.0.1", port, "", Secret(""), "hr@example.com", "none", 2.0)
    mailing = dataclasses.replace(
        delivery, mail=mail, secret_key=SECRET, company_name="Example Tech"
    )
    return OutboxWorker(mailing, WorkerConfig(policy=FAST_POLICY), clock=clock, rng=lambda: 0.5)


async def _invite(db: Database, world: World, clock: FrozenClock) -> choosing.Invitation:
    draft = SelfScheduleDraft(
        candidate_id=world.candidate_id,
        position_id=world.position_id,
        plan_round_id=None,
        duration=timedelta(minutes=45),
        panel_size=1,
        interviewer_ids=(world["zhangwei"].id,),
        days=5,
        min_notice=timedelta(hours=24),
    )
    return await choosing.invite(
        db, draft, actor=world.hr("liuyang"), now=clock.now(), policy=MAILING
    )


async def _set_candidate(db: Database, world: World, **values: object) -> None:
    await db.execute(
        candidates.update().where(candidates.c.id == world.candidate_id).values(**values)
    )


async def _outcomes(db: Database, kind: str) -> list[tuple[str, str | None]]:
    rows = await db.fetch_all(
        sa.select(outbox.c.status, outbox.c.last_error)
        .where(outbox.c.kind == kind)
        .order_by(outbox.c.id)
    )
    return [(row["status"], row["last_error"]) for row in rows]


def _html(received: Received) -> str:
    part = received.message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


async def test_choose_mail_carries_the_signed_link_the_position_and_no_ics(
    db: Database,
    world: World,
    clock: FrozenClock,
    delivery: Delivery,
    drain: Drain,
    sandbox: SandboxControl,
    mailbox: tuple[Mailbox, Controller],
    caplog: pytest.LogCaptureFixture,
) -> None:
    box, controller = mailbox
    await _set_candidate(db, world, timezone="Europe/London")
    sent = await _invite(db, world, clock)
    assert sent.mailed
    with caplog.at_level(logging.DEBUG):
        await drain(_worker(delivery, clock, controller.port))
    [received] = box.messages(CANDIDATE_EMAIL)
    assert received.recipients == (CANDIDATE_EMAIL,)
    assert received.subject == f"请选择面试时间：{POSITION_TITLE}"  # the company's language
    assert received.attachments() == []
    [token] = LINK.findall(received.text)
    assert verify_candidate_link(token, SECRET, now=clock.now()) == sent.link_id
    opened = await choosing.open_choice(db, token, secret=SECRET, now=clock.now())
    assert opened.schedule.id == sent.schedule_id
    page = BeautifulSoup(_html(received), "html.parser")
    [button] = page.select("a[href]")
    assert button["href"] == f"http://portal.test/c/{token}"
    assert POSITION_TITLE in received.text and POSITION_TITLE in page.get_text()
    assert "45 分钟" in received.text and "5 个工作日" in received.text
    link = await get_link(db, sent.link_id)
    assert link is not None
    until = link.expires_at.astimezone(ZoneInfo("Europe/London"))
    assert f"{until:%H:%M} (Europe/London)" in received.text
    assert await _outcomes(db, kinds.MAIL_CHOOSE) == [("sent", None)]
    assert all(token not in r.getMessage() for r in caplog.records)


async def test_choose_mail_escapes_what_it_shows(
    db: Database,
    world: World,
    clock: FrozenClock,
    delivery: Delivery,
    drain: Drain,
    sandbox: SandboxControl,
    mailbox: tuple[Mailbox, Controller],
) -> None:
    box, controller = mailbox
    title = 'R&D <script>alert("x")</script>'
    await db.execute(
        positions.update().where(positions.c.id == world.position_id).values(title=title)
    )
    await _invite(db, world, clock)
    await drain(_worker(delivery, clock, controller.port))
    [received] = box.messages(CANDIDATE_EMAIL)
    html = _html(received)
    assert "<script>" not in html and "R&amp;D &lt;script&gt;" in html
    assert BeautifulSoup(html, "html.parser").find("script") is None


async def test_choose_mail_withdrawn_before_sending_is_skipped_not_dead(
    db: Database,
    world: World,
    clock: FrozenClock,
    delivery: Delivery,
    drain: Drain,
    sandbox: SandboxControl,
    mailbox: tuple[Mailbox, Controller],
) -> None:
    box, controller = mailbox
    taken_back = await _invite(db, world, clock)
    kept = await _invite(db, world, clock)
    hr = world.hr("liuyang")
    assert await choosing.withdraw(db, taken_back.schedule_id, actor=hr, now=clock.now())
    await drain(_worker(delivery, clock, controller.port))
    [received] = box.messages()
    [token] = LINK.findall(received.text)
    assert verify_candidate_link(token, SECRET, now=clock.now()) == kept.link_id
    assert await _outcomes(db, kinds.MAIL_CHOOSE) == [
        ("cancelled", "the invitation was withdrawn"),
        ("sent", None),
    ]


async def test_choose_mail_held_up_past_the_link_expiry_is_skipped(
    db: Database,
    world: World,
    clock: FrozenClock,
    delivery: Delivery,
    drain: Drain,
    sandbox: SandboxControl,
    mailbox: tuple[Mailbox, Controller],
) -> None:
    box, controller = mailbox
    await _invite(db, world, clock)
    clock.set(clock.now() + choosing.CHOICE_VALID + timedelta(minutes=1))
    await drain(_worker(delivery, clock, controller.port))
    assert box.messages() == []
    assert await _outcomes(db, kinds.MAIL_CHOOSE) == [("cancelled", "the link is expired")]


@pytest.mark.parametrize(
    ("language", "subject", "lead"),
    [
        (
            "en",
            f"Choose a time for your interview: {POSITION_TITLE}",
            "Example Tech invites you to choose a time for your interview.",
        ),
        ("zh", f"请选择面试时间：{POSITION_TITLE}", "Example Tech 邀请您选择面试时间。"),
    ],
)
async def test_choose_mail_is_in_the_candidates_language(
    db: Database,
    world: World,
    clock: FrozenClock,
    delivery: Delivery,
    drain: Drain,
    sandbox: SandboxControl,
    mailbox: tuple[Mailbox, Controller],
    language: str,
    subject: str,
    lead: str,
) -> None:
    box, controller = mailbox
    await _set_candidate(db, world, language=language)
    await _invite(db, world, clock)
    await drain(_worker(delivery, clock, controller.port))
    [received] = box.messages(CANDIDATE_EMAIL)
    assert received.subject == subject
    assert lead in received.text and lead in BeautifulSoup(_html(received), "html.parser").text
    assert f'lang="{language}"' in _html(received)


@pytest.mark.parametrize(
    ("language", "booked", "lead"),
    [
        ("en", "Your interview is booked", "Your interview is booked."),
        ("zh", "您的面试已安排", "您的面试已安排。"),
    ],
)
async def test_booked_mail_is_in_the_candidates_language(
    db: Database,
    world: World,
    clock: FrozenClock,
    delivery: Delivery,
    drain: Drain,
    sandbox: SandboxControl,
    mailbox: tuple[Mailbox, Controller],
    language: str,
    booked: str,
    lead: str,
) -> None:
    box, controller = mailbox
    await _set_candidate(db, world, language=language)
    draft = world.draft(clock.now() + timedelta(days=3))
    await service.create(
        db, world.hub, draft, actor=world.hr("liuyang"), now=clock.now(), policy=MAILING
    )
    worker = _worker(delivery, clock, controller.port)
    await worker.run_once()  # the booked mail; the reminder is still a day and more ahead
    [received] = box.messages(CANDIDATE_EMAIL)
    assert received.subject.startswith(booked)
    assert lead in received.text
    assert [name for name, _type, _body in received.attachments()] == ["interview.ics"]
