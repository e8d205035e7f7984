"""Bursts against the sandbox over real HTTP: faults, timeouts, rate limits, expired tokens.

The worker and the sandbox share a fake clock, so backoff (45009 waits a minute) and the
per-member caps run at WeCom's real numbers without the test waiting for them.
"""

from __future__ import annotations

import bisect
from collections import Counter
from datetime import datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa

from portal.clock import FrozenClock
from portal.db.database import Database
from portal.db.tables import outbox
from portal.notifications import kinds
from portal.notifications.worker import OutboxWorker
from portal.wecom.sandbox import Department, Member, Org, SandboxConfig
from tests.factories import add_interview, add_person, queue
from tests.notifications.conftest import Drain
from tests.support.sandbox import SandboxControl

MEMBERS = [f"m{i:03d}" for i in range(100)]
BUSY = MEMBERS[0]  # gets 40 messages at once: more than a minute's cap


@pytest.fixture
def wecom_config() -> SandboxConfig:
    members = tuple(Member(u, u.upper(), u, (1,), "Engineer") for u in MEMBERS)
    return SandboxConfig(org=Org(departments=(Department(1, "Corp", "Corp", 0),), members=members))


@pytest.fixture
def client_timeout() -> httpx.Timeout:
    return httpx.Timeout(0.3, connect=2.0)


async def _burst(db: Database, count: int, start: datetime) -> None:
    """`count` reminders: 40 to BUSY, the rest five per member."""
    for userid in MEMBERS:
        await add_person(db, userid)
    interviews = []
    for n in range(20):
        panel = MEMBERS[n * 5 : n * 5 + 5]
        booked = await add_interview(db, panel=panel, starts_at=start + timedelta(days=2))
        interviews.append(booked.interview_id)
    async with db.transaction():
        for version in range(40):
            await queue(db, kinds.REMINDER, BUSY, interviews[0], version=version)
        for n in range(count - 40):
            userid = MEMBERS[1 + n // 5]
            await queue(
                db, kinds.REMINDER, userid, interviews[MEMBERS.index(userid) // 5], version=n % 5
            )


def _worst_minute(times: list[float]) -> int:
    ordered = sorted(times)
    return max(
        bisect.bisect_right(ordered, t) - bisect.bisect_right(ordered, t - 60) for t in ordered
    )


@pytest.mark.slow
async def test_burst_with_faults_delivers_each_message_exactly_once(
    db: Database, worker: OutboxWorker, drain: Drain, sandbox: SandboxControl, clock: FrozenClock
) -> None:
    await _burst(db, 500, clock.now())
    share = 1 - 0.8 ** (1 / 4)  # four independent faults: 20% of sends fail in all
    sandbox.fault(path="message/send", errcode=-1, ratio=share, seed=1)
    sandbox.fault(path="message/send", http_status=503, ratio=share, seed=2)
    sandbox.fault(path="message/send", delay_s=0.6, ratio=share, seed=3)  # client waits 0.3 s
    sandbox.fault(path="message/send", errcode=45009, ratio=share, seed=4)

    await drain(worker)

    rows = await db.fetch_all(sa.select(outbox.c.status, outbox.c.attempts))
    assert Counter(row["status"] for row in rows) == {"sent": 500}
    assert sum(row["attempts"] for row in rows) > 560, "the faults really fired"
    delivered = sandbox.messages()
    per_card = Counter((m["touser"], m["body"]["task_id"]) for m in delivered)
    assert len(per_card) == 500 and set(per_card.values()) == {1}
    stats = sandbox.stats()
    assert stats["dropped_rate_limited"] == 0
    # BUSY and the next 92 members (five each) got theirs; the last seven were sent nothing.
    receivers = MEMBERS[: 1 + (500 - 40) // 5]
    assert {m["touser"] for m in delivered} == set(receivers)
    for userid in receivers:
        times = [m["time"] for m in delivered if m["touser"] == userid]
        assert _worst_minute(times) <= 30, userid


async def test_burst_tokens_expired_midway_refresh_once(
    db: Database, worker: OutboxWorker, drain: Drain, sandbox: SandboxControl, clock: FrozenClock
) -> None:
    await _burst(db, 200, clock.now())
    assert await worker.run_once() > 0  # some sent with the first token
    sandbox.http.post("/_control/expire-tokens").raise_for_status()
    await drain(worker)
    rows = await db.fetch_all(sa.select(outbox.c.status, outbox.c.attempts))
    assert {(row["status"], row["attempts"]) for row in rows} == {("sent", 1)}
    assert sandbox.stats()["calls"]["gettoken"] == 2
    assert len(sandbox.messages()) == 200


async def test_burst_at_real_caps_paces_one_busy_member(
    db: Database, worker: OutboxWorker, drain: Drain, sandbox: SandboxControl, clock: FrozenClock
) -> None:
    """70 messages to one member at WeCom's real caps: nothing is dropped by the sandbox."""
    await add_person(db, BUSY)
    booked = await add_interview(db, panel=[BUSY], starts_at=clock.now() + timedelta(days=1))
    interview = booked.interview_id
    async with db.transaction():
        for version in range(70):
            await queue(db, kinds.REMINDER, BUSY, interview, version=version)
    started = clock.now()
    await drain(worker)
    delivered = [m["time"] for m in sandbox.messages(BUSY)]
    assert len(delivered) == 70 and sandbox.stats()["dropped_rate_limited"] == 0
    assert _worst_minute(delivered) <= 30
    assert clock.now() - started >= timedelta(minutes=2)
