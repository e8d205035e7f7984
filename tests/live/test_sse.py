"""The text/event-stream wire format, and what a stream sends from a batch of events."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from portal.live import Published
from portal.web.core import sse
from portal.web.live.stream import Feed, fresh


def request_with(headers: dict[str, str], query: str = "") -> Request:
    raw = [(name.encode(), value.encode()) for name, value in headers.items()]
    return Request({"type": "http", "headers": raw, "query_string": query.encode()})


def test_message_multiline_data_becomes_data_lines() -> None:
    text = sse.message("interview-updated", "<tr>\n<td>a</td>\r\n</tr>", event_id=12)
    assert text == (
        "event: interview-updated\nid: 12\ndata: <tr>\ndata: <td>a</td>\ndata: </tr>\n\n"
    )


def test_message_without_id_has_no_id_line() -> None:
    assert sse.message("live-reset", "reload") == "event: live-reset\ndata: reload\n\n"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<tr id="interview-1"><td>x</td></tr>', '<tr hx-swap-oob="true" id="interview-1">'),
        ('\n  <span id="s">', '<span hx-swap-oob="true" id="s">'),
        ('<div id="d" hx-swap-oob="outerHTML">', '<div id="d" hx-swap-oob="outerHTML">'),
    ],
)
def test_out_of_band_marks_the_root_element(html: str, expected: str) -> None:
    assert sse.out_of_band(html).startswith(expected)


@pytest.mark.parametrize(
    ("header", "query", "expected"),
    [
        (None, "", None),
        ("7", "", 7),
        (None, "after=5", 5),
        ("7", "after=9", 9),
        ("9", "after=7", 9),
        ("x", "after=-1", None),
        ("1" * 20, "", None),
    ],
)
def test_last_event_id_takes_the_later_of_header_and_after(
    header: str | None, query: str, expected: int | None
) -> None:
    headers = {"last-event-id": header} if header is not None else {}
    assert sse.last_event_id(request_with(headers, query)) == expected


async def _no_render(request: Request, interview_id: int) -> str | None:
    return None


def test_fresh_keeps_each_interviews_newest_event_after_the_cursor() -> None:
    batch = [
        Published(4, 1, "a"),
        Published(5, 2, "b"),
        Published(6, 1, "c"),
        Published(None, 3, "d"),
    ]
    assert fresh(batch, after=4, feed=Feed(_no_render)) == [
        Published(5, 2, "b"),
        Published(6, 1, "c"),
        Published(None, 3, "d"),  # no feed id (not recorded): always sent
    ]
    assert fresh(batch, after=0, feed=Feed(_no_render, interview_id=2)) == [Published(5, 2, "b")]
