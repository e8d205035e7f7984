"""Two `portal worker` processes on one PostgreSQL share a burst of messages: each is delivered
exactly once, and a token that expires while both are sending is fetched again only once."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter

import pytest
import sqlalchemy as sa

from portal.clock import SYSTEM_CLOCK
from portal.db.database import Database
from portal.db.tables import outbox
from portal.notifications import kinds
from portal.wecom.sandbox import Member, Org, SandboxConfig, demo_org
from tests.cluster.nodes import Cluster, Node
from tests.factories import add_interview, add_person, queue
from tests.support.sandbox import SandboxControl

pytestmark = pytest.mark.slow

RECIPIENTS = [f"r{i:02d}" for i in range(20)]
PER_RECIPIENT = 10  # well under WeCom's 30 a minute per member: nothing waits for a slot
BURST = len(RECIPIENTS) * PER_RECIPIENT
WAIT = 60.0


@pytest.fixture
def wecom_config() -> SandboxConfig:
    """The demo corp, plus the burst's recipients."""
    demo = demo_org()
    extra = tuple(Member(userid, userid.upper(), userid, (1,), "Engineer") for userid in RECIPIENTS)
    return SandboxConfig(org=Org(demo.departments, demo.members + extra, demo.tags))


async def seed_panels(db: Database) -> dict[str, int]:
    """Each recipient on one interview's panel (five to a panel); recipient -> interview id."""
    now = SYSTEM_CLOCK.now()  # the workers' clock
    on: dict[str, int] = {}
    for start in range(0, len(RECIPIENTS), 5):
        panel = RECIPIENTS[start : start + 5]
        for userid in panel:
            await add_person(db, userid, now=now)
        booked = await add_interview(db, panel=panel, now=now)
        on |= dict.fromkeys(panel, booked.interview_id)
    return on


async def queue_burst(db: Database, on: dict[str, int]) -> None:
    """The whole burst at once (one commit), due now."""
    now = SYSTEM_CLOCK.now()
    async with db.transaction():
        for n in range(BURST):
            userid = RECIPIENTS[n % len(RECIPIENTS)]
            await queue(db, kinds.REMINDER, userid, on[userid], version=n, now=now)


async def statuses(db: Database) -> Counter[str]:
    rows = await db.fetch_all(sa.select(outbox.c.status).where(outbox.c.kind == kinds.REMINDER))
    return Counter(row["status"] for row in rows)


async def wait_all_sent(db: Database) -> None:
    deadline = time.monotonic() + WAIT
    while (counts := await statuses(db))["sent"] < BURST:
        assert time.monotonic() < deadline, f"not all sent after {WAIT}s: {dict(counts)}"
        await asyncio.sleep(0.05)
    assert counts == {"sent": BURST}


async def assert_each_delivered_once(db: Database, sandbox: SandboxControl) -> None:
    """Every row's message is in the sandbox once, and nothing else is."""
    rows = await db.fetch_all(
        sa.select(outbox.c.msgid, outbox.c.recipient).where(outbox.c.kind == kinds.REMINDER)
    )
    delivered = sandbox.messages()
    assert len(delivered) == BURST
    assert Counter(m["msgid"] for m in delivered).most_common(1)[0][1] == 1, "a msgid twice"
    assert {m["msgid"]: m["touser"] for m in delivered} == {
        r["msgid"]: r["recipient"] for r in rows
    }
    # A row sent twice with the same body would be dropped by WeCom's duplicate check.
    assert sandbox.stats()["duplicates_suppressed"] == 0


def said(worker: Node, text: str) -> bool:
    """The worker's log (DEBUG: every WeCom call and its errcode) has `text`."""
    return re.search(re.escape(text) + r"\b", worker.output()) is not None


def rows_handled(worker: Node) -> int:
    """Rows in the batches the worker's log reports (DEBUG)."""
    return sum(int(n) for n in re.findall(r"outbox: batch of (\d+) done", worker.output()))


async def test_cluster_two_workers_deliver_a_burst_exactly_once(
    cluster: Cluster, pg: Database, sandbox: SandboxControl
) -> None:
    on = await seed_panels(pg)
    sandbox.fault(path="message/send", delay_s=0.1, ratio=1.0)  # a batch takes a while
    workers = cluster.workers("worker-1", "worker-2")
    await queue_burst(pg, on)

    await wait_all_sent(pg)
    await assert_each_delivered_once(pg, sandbox)
    assert sandbox.calls("message/send") == BURST, "no row was sent twice"
    shares = [rows_handled(worker) for worker in workers]
    assert all(shares), f"both workers took part: {shares}"


async def test_cluster_token_expiring_mid_burst_is_fetched_once_for_both_workers(
    cluster: Cluster, pg: Database, sandbox: SandboxControl
) -> None:
    on = await seed_panels(pg)
    sandbox.fault(path="message/send", delay_s=0.1, ratio=1.0)
    workers = cluster.workers("worker-1", "worker-2")
    await queue_burst(pg, on)

    # Mid-burst: each worker has sent with the token it holds, and has more to send.
    deadline = time.monotonic() + WAIT
    while not all(said(worker, "message/send -> errcode 0") for worker in workers):
        assert time.monotonic() < deadline, "the two workers never sent at the same time"
        await asyncio.sleep(0.01)
    fetched = sandbox.calls("gettoken")
    assert sandbox.expire_tokens() >= 1

    await wait_all_sent(pg)
    assert sandbox.calls("gettoken") == fetched + 1
    for worker in workers:  # each was refused the old token; one new token served both
        assert said(worker, "message/send -> errcode 42001"), f"{worker.name} saw no 42001"
    await assert_each_delivered_once(pg, sandbox)
