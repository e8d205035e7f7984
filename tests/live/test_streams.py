"""The SSE endpoints: message format, catch-up by Last-Event-ID / ?after=, access, shutdown."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from asgi_lifespan import LifespanManager
from bs4 import BeautifulSoup
from starlette.applications import Starlette

from portal.live import LiveEvent
from portal.wecom import sandbox as demo
from tests.conftest import Auth
from tests.factories import add_interview, force_status
from tests.live.conftest import Served
from tests.live.support import EventStream
from tests.support.html import attr, one, soup
from tests.support.sandbox import SandboxControl

HR = demo.DEMO_HR_USERID
INTERVIEWER = demo.DEMO_INTERVIEWER_USERID


async def publish(served: Served, interview_id: int, kind: str = "status") -> None:
    await served.state["broadcaster"].publish(LiveEvent(interview_id, kind))


def row_of(data: str) -> BeautifulSoup:
    return soup(data)


def target(data: str) -> str:
    """The id of the element a message swaps."""
    return attr(one(row_of(data), "[id]"), "id")


async def test_board_stream_change_arrives_as_out_of_band_row(served: Served) -> None:
    await served.auth.login_as(HR)
    interview_id = (await add_interview(served.state["db"])).interview_id
    stream = await served.stream("/live/board").open()
    assert stream.status == 200
    assert stream.response_headers["content-type"].startswith("text/event-stream")
    assert stream.response_headers["cache-control"] == "no-store"
    assert await stream.next_block() == "retry: 1000"

    await force_status(served.state["db"], interview_id, "confirmed")
    await publish(served, interview_id)
    message = await stream.next_message()

    assert message.event == "interview-updated"
    assert message.id == "1"  # the feed's first event
    row = one(row_of(message.data), f"tr#interview-{interview_id}")
    assert attr(row, "hx-swap-oob") == "true"
    assert attr(row, "data-lang") == "en"  # rendered for this viewer
    assert row.get_text(strip=True) == "confirmed"
    await stream.disconnect()


async def test_board_stream_reconnect_replays_each_changed_interview_once(served: Served) -> None:
    await served.auth.login_as(HR)
    db = served.state["db"]
    first, second = [(await add_interview(db)).interview_id for _ in range(2)]
    stream = await served.stream("/live/board").open()
    await publish(served, first)
    seen = await stream.next_message()
    assert seen.id == "1"
    await stream.disconnect()

    # While the browser is away: two changes to `second`, one to `first`.
    await publish(served, second)
    await publish(served, first)
    await force_status(db, second, "cancelled")
    await publish(served, second)

    resumed = await served.stream("/live/board", **{"last-event-id": str(seen.id)}).open()
    replayed = [await resumed.next_message(), await resumed.next_message()]
    assert [target(m.data) for m in replayed] == [f"interview-{first}", f"interview-{second}"]
    assert [m.id for m in replayed] == ["3", "4"]  # each interview's newest event
    assert "cancelled" in replayed[1].data

    await publish(served, first)  # then the live feed, without repeating the replay
    live = await resumed.next_message()
    assert live.id == "5"
    await resumed.disconnect()


async def test_board_stream_after_parameter_resumes_like_last_event_id(served: Served) -> None:
    await served.auth.login_as(HR)
    interview_id = (await add_interview(served.state["db"])).interview_id
    await publish(served, interview_id)
    await publish(served, interview_id)

    older_header = {"last-event-id": "1"}
    stream = await served.stream("/live/board?after=1", **older_header).open()
    message = await stream.next_message()
    assert message.id == "2"
    await stream.disconnect()

    up_to_date = await served.stream("/live/board?after=2", **older_header).open()
    await publish(served, interview_id)
    assert (await up_to_date.next_message()).id == "3"  # the larger cursor wins: no replay of 2
    await up_to_date.disconnect()


@pytest.mark.parametrize("cursor", ["99"])
async def test_board_stream_unknown_cursor_asks_page_to_reload(served: Served, cursor: str) -> None:
    await served.auth.login_as(HR)
    await publish(served, (await add_interview(served.state["db"])).interview_id)
    stream = await served.stream(f"/live/board?after={cursor}").open()
    message = await stream.next_message()
    assert message.event == "live-reset"
    assert await stream.ended()


async def test_board_stream_without_cursor_sends_only_new_changes(served: Served) -> None:
    await served.auth.login_as(HR)
    old, new = [(await add_interview(served.state["db"])).interview_id for _ in range(2)]
    # `old` changes, and this process hears of it, before the stream opens. (On PostgreSQL the
    # broadcaster hears of its own events through LISTEN: without waiting here, a late NOTIFY
    # for `old` could reach the stream's fresh subscription and be sent as a new change.)
    async with served.state["broadcaster"].subscribe() as heard:
        await publish(served, old)
        assert [item.interview_id for item in await heard.next_batch(5) or []] == [old]
    stream = await served.stream("/live/board").open()
    assert await stream.next_block() == "retry: 1000"  # sent once the stream has subscribed
    await publish(served, new)
    assert target((await stream.next_message()).data) == f"interview-{new}"
    await stream.disconnect()


async def test_interview_stream_sends_only_that_interview(served: Served) -> None:
    await served.auth.login_as(INTERVIEWER)
    db = served.state["db"]
    mine = (await add_interview(db, panel=[INTERVIEWER])).interview_id
    other = (await add_interview(db)).interview_id
    stream = await served.stream(f"/live/interviews/{mine}").open()
    assert stream.status == 200
    await publish(served, other)
    await force_status(db, mine, "checked_in")
    await publish(served, mine)

    message = await stream.next_message()
    status = one(row_of(message.data), f"#interview-status-{mine}")
    assert status.get_text() == "checked_in"
    assert attr(status, "hx-swap-oob") == "true"
    await stream.disconnect()


async def test_interview_stream_other_interviewers_interview_is_not_found(served: Served) -> None:
    await served.auth.login_as(INTERVIEWER)
    interview_id = (await add_interview(served.state["db"])).interview_id
    stream = await served.stream(f"/live/interviews/{interview_id}").open()
    assert stream.status == 404
    assert await stream.ended()


async def test_interview_stream_hr_may_watch_any_existing_interview(served: Served) -> None:
    await served.auth.login_as(HR)
    interview_id = (await add_interview(served.state["db"])).interview_id
    stream = await served.stream(f"/live/interviews/{interview_id}").open()
    assert stream.status == 200
    await stream.disconnect()
    missing = await served.stream(f"/live/interviews/{interview_id + 1}").open()
    assert missing.status == 404


@pytest.mark.parametrize(
    ("userid", "path", "expected"),
    [
        (None, "/live/board", 303),
        (INTERVIEWER, "/live/board", 403),
        (None, "/live/interviews/1", 303),
    ],
)
async def test_live_streams_refuse_who_may_not_watch(
    served: Served, userid: str | None, path: str, expected: int
) -> None:
    if userid:
        await served.auth.login_as(userid)
    stream = await served.stream(path).open()
    assert stream.status == expected
    assert await stream.ended()


async def test_live_stream_plain_visit_is_a_bad_request(served: Served) -> None:
    await served.auth.login_as(HR)
    response = await served.client.get("/live/board", headers={"Accept-Language": "en"})
    assert response.status_code == 400


async def test_lifespan_shutdown_ends_open_streams_promptly(
    app: Starlette, sandbox: SandboxControl
) -> None:
    manager = LifespanManager(app)
    await manager.__aenter__()
    transport = httpx.ASGITransport(app=manager.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        await Auth(client, sandbox).login_as(HR)
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    headers = {"accept": "text/event-stream", "cookie": cookie}
    stream = await EventStream(manager.app, "/live/board", headers).open()
    await stream.next_block()

    async with asyncio.timeout(5):
        await manager.__aexit__(None, None, None)
    assert await stream.ended(timeout=1)


async def test_stream_is_never_compressed_or_held_back(served: Served) -> None:
    """Pages are gzipped; the event stream must flow event by event, as sent."""
    await served.auth.login_as(HR)
    interview_id = (await add_interview(served.state["db"])).interview_id
    stream = await served.stream("/live/board", **{"accept-encoding": "gzip, deflate, br"}).open()
    assert "content-encoding" not in stream.response_headers
    assert await stream.next_block() == "retry: 1000"
    await force_status(served.state["db"], interview_id, "confirmed")
    await publish(served, interview_id)
    assert (await stream.next_message()).event == "interview-updated"
    await stream.disconnect()


async def test_open_streams_are_counted_while_open(served: Served) -> None:
    from prometheus_client import REGISTRY

    def open_now() -> float:
        return REGISTRY.get_sample_value("portal_sse_connections", {"stream": "board"}) or 0.0

    await served.auth.login_as(HR)
    before = open_now()
    stream = await served.stream("/live/board").open()
    assert await stream.next_block() == "retry: 1000"
    assert open_now() == before + 1
    await stream.disconnect()
    assert open_now() == before
