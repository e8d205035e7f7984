"""WeCom calendar events survive killed `portal worker` processes: exactly one live schedule
per (interviewer, interview), and none once the interview is cancelled."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from portal.clock import SYSTEM_CLOCK
from portal.db.database import Database
from portal.db.people import get_person_by_userid
from portal.db.tables import outbox
from portal.interviews import service
from portal.notifications import kinds
from portal.scheduling import Actor, ActorKind, CancelDraft
from portal.wecom.sandbox import DEMO_ADMIN_USERID, Department, Member, Org, SandboxConfig
from tests.factories import HR, Recorder, add_interview, queue
from tests.live.processes import sandbox_on_machine_clock
from tests.notifications.test_processes import worker
from tests.support.sandbox import AppSwitch, SandboxControl

pytestmark = pytest.mark.slow

INTERVIEWS = 20
MEMBERS = [f"c{i:03d}" for i in range(INTERVIEWS * 2)]
LIVE = 0  # the sandbox's status of a schedule not deleted


@pytest.fixture
def wecom_config() -> SandboxConfig:
    staff = (*MEMBERS, DEMO_ADMIN_USERID)  # the admin owns the app's interview calendar
    members = tuple(Member(u, u.upper(), u, (1,), "Engineer") for u in staff)
    return SandboxConfig(org=Org(departments=(Department(1, "Corp", "Corp", 0),), members=members))


@pytest.fixture
def sandbox(
    _wecom_server: tuple[AppSwitch, str], wecom_config: SandboxConfig
) -> Iterator[SandboxControl]:
    with sandbox_on_machine_clock(_wecom_server, wecom_config) as control:
        yield control


@pytest.fixture
async def lite(sqlite_url: str) -> AsyncIterator[Database]:
    database = Database(sqlite_url)
    await database.connect()
    yield database
    await database.disconnect()


async def _seed(db: Database) -> list[int]:
    """Interviews of two interviewers each, every interviewer invited and reminded."""
    now = SYSTEM_CLOCK.now()
    ids = []
    for n in range(INTERVIEWS):
        panel = MEMBERS[2 * n : 2 * n + 2]
        booked = await add_interview(db, panel=panel, now=now)
        ids.append(booked.interview_id)
        for userid in panel:
            await queue(db, kinds.INVITED, userid, booked.interview_id, now=now)
            await queue(db, kinds.REMINDER, userid, booked.interview_id, now=now)
    return ids


def _live(sandbox: SandboxControl) -> Counter[tuple[str, str]]:
    """Live schedules per (attendee, interview link)."""
    per_pair: Counter[tuple[str, str]] = Counter()
    for schedule in sandbox.schedules():
        if schedule["status"] == LIVE:
            for attendee in schedule["attendees"]:
                per_pair[(attendee["userid"], _interview_of(schedule))] += 1
    return per_pair


def _interview_of(schedule: dict[str, Any]) -> str:
    return str(schedule["description"]).rsplit("/", 1)[-1]


async def _settled(db: Database, timeout: float) -> Counter[str]:
    deadline = time.monotonic() + timeout
    while True:
        rows = await db.fetch_all(sa.select(outbox.c.status))
        counts = Counter(row["status"] for row in rows)
        if not counts["pending"] and not counts["sending"]:
            return counts
        assert time.monotonic() < deadline, f"outbox not settled: {counts}"
        await asyncio.sleep(0.1)


def _wait_schedules(sandbox: SandboxControl, at_least: int, timeout: float) -> bool:
    """Whether the sandbox came to hold `at_least` schedules within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while len(sandbox.schedules()) < at_least:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


async def test_calendar_sync_workers_killed_mid_burst_leave_one_event_per_pair_none_cancelled(
    lite: Database, sqlite_url: str, sandbox: SandboxControl, tmp_path: Path
) -> None:
    db = lite
    ids = await _seed(db)
    sandbox.fault(path="message/send", delay_s=0.3, ratio=1.0)  # slow sends: long batches
    # Killed while its calendar batch is in flight, then a second one soon after it starts;
    # a third takes over once their leases run out.
    with worker(sqlite_url, sandbox, tmp_path / "first.log") as first:
        assert _wait_schedules(sandbox, 4, timeout=20), "calendar sync did not start"
        first.send_signal(signal.SIGKILL)
        first.wait()
    with worker(sqlite_url, sandbox, tmp_path / "second.log") as second:
        _wait_schedules(sandbox, len(sandbox.schedules()) + 2, timeout=3)
        second.send_signal(signal.SIGKILL)
        second.wait()
    with worker(sqlite_url, sandbox, tmp_path / "third.log") as third:
        await _settled(db, timeout=50)
        live = _live(sandbox)
        assert len(live) == 2 * INTERVIEWS, "every interviewer has the event"
        assert set(live.values()) == {1}, f"duplicates: {[p for p, n in live.items() if n > 1]}"

        booker = await get_person_by_userid(db, HR)
        assert booker is not None
        hr = Actor.person(booker, ActorKind.HR)
        cancelled = ids[0]
        await service.cancel(
            db, Recorder(), cancelled, CancelDraft("Filled", None), actor=hr, now=SYSTEM_CLOCK.now()
        )
        await _settled(db, timeout=20)
        third.send_signal(signal.SIGTERM)
        assert third.wait(timeout=15) == 0
    live = _live(sandbox)
    assert not [pair for pair in live if pair[1] == str(cancelled)], "no event outlives it"
    assert len(live) == 2 * (INTERVIEWS - 1) and set(live.values()) == {1}
