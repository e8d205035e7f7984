"""A send is logged under the id of the request that queued it (issue 17), and counted."""

from __future__ import annotations

import logging

import pytest
from prometheus_client import REGISTRY

from portal.db.database import Database
from portal.db.outbox import due_rows
from portal.logs import RequestIdFilter, request_context
from portal.notifications import kinds
from portal.notifications.worker import OutboxWorker
from tests.factories import add_interview, queue
from tests.notifications.conftest import Drain
from tests.support.sandbox import SandboxControl
from tests.support.when import NOW


def sent_count(result: str) -> float:
    return REGISTRY.get_sample_value("portal_outbox_sends_total", {"result": result}) or 0.0


async def test_send_is_logged_under_the_queueing_request_id(
    db: Database,
    worker: OutboxWorker,
    drain: Drain,
    sandbox: SandboxControl,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.DEBUG)
    interview = (await add_interview(db, panel=["zhangwei"])).interview_id
    with request_context("req-7f3a"):
        await queue(db, kinds.INVITED, "zhangwei", interview)
    [row] = await due_rows(db, now=NOW, limit=10)
    assert row.request_id == "req-7f3a"
    assert await failed_once(worker, drain, sandbox, caplog) == {str(row.id): "req-7f3a"}
    # Queued by no request (a reminder job, a card click): the row's own id stands in.
    await queue(db, kinds.INVITED, "zhangwei", interview, version=2)
    [row] = await due_rows(db, now=NOW, limit=10)
    assert row.request_id is None
    assert await failed_once(worker, drain, sandbox, caplog) == {str(row.id): f"outbox-{row.id}"}


async def failed_once(
    worker: OutboxWorker, drain: Drain, sandbox: SandboxControl, caplog: pytest.LogCaptureFixture
) -> dict[str, str | None]:
    """Send what is queued with WeCom busy once; the worker's failure lines, by row id."""
    caplog.clear()
    sent, retried = sent_count("sent"), sent_count("retried")
    sandbox.fault(path="message/send", errcode=-1, times=1)
    await drain(worker)
    assert sent_count("sent") >= sent + 1 and sent_count("retried") == retried + 1
    return {
        r.getMessage().split()[1]: getattr(r, "request_id", None)
        for r in caplog.records
        if r.name == "portal.notifications.worker" and "failed" in r.getMessage()
    }
