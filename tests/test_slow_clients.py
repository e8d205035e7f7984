"""Slow clients (issue 14, item 6): a request head or body that trickles in is cut off.

The portal runs under `portal serve`'s own uvicorn configuration (`portal.cli.server_config`)
on a loopback port, with short deadlines; raw sockets play the slow clients.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from base64 import b64encode
from collections.abc import Iterator

import pytest
import uvicorn
from itsdangerous import TimestampSigner

from portal.app import SESSION_COOKIE, create_app
from portal.cli import server_config
from portal.clock import FrozenClock
from tests.conftest import SettingsFactory
from tests.support.keys import TEST_SECRET_KEY
from tests.support.servers import free_port

DEADLINE = 1.0
SLACK = 1.5  # scheduling and start-up noise; far below "open for as long as it likes"


@pytest.fixture
def server(
    make_settings: SettingsFactory, sqlite_url: str, clock: FrozenClock
) -> Iterator[tuple[str, int]]:
    settings = make_settings(
        sqlite_url, PORTAL_HEADER_TIMEOUT=str(DEADLINE), PORTAL_BODY_TIMEOUT=str(DEADLINE)
    )
    port = free_port()
    config = server_config(create_app(settings, clock=clock), settings, host="127.0.0.1", port=port)
    config.log_level = "warning"
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not running.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield "127.0.0.1", port
    finally:
        running.should_exit = True
        thread.join(timeout=10)


def dribble(address: tuple[str, int], head: bytes, tail: bytes) -> tuple[bytes, float]:
    """Send `head` at once, then `tail` a byte every 0.2 s; return what the server answered
    and how long it kept the connection open (the test fails if that is beyond the slack)."""
    started = time.monotonic()
    with socket.create_connection(address, timeout=DEADLINE + SLACK) as sock:
        sock.sendall(head)
        answer = b""
        for byte in tail:
            try:
                sock.sendall(bytes([byte]))
            except OSError:  # reset: the server has hung up
                break
            sock.settimeout(0.2)
            try:
                chunk = sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                break
            answer += chunk
            if not chunk or answer.endswith(b"\n"):  # closed, or answered
                break
            assert time.monotonic() - started < DEADLINE + SLACK, "still open"
        else:
            pytest.fail("the server read the whole dribble")
        return answer, time.monotonic() - started


def signed_session() -> str:
    """A session with a CSRF token, so the form is read (a session-less post is refused
    before its body)."""
    data = b64encode(json.dumps({"csrf": "t" * 43}).encode())
    return TimestampSigner(TEST_SECRET_KEY).sign(data).decode()


def test_slow_request_line_is_cut_off(server: tuple[str, int]) -> None:
    answer, took = dribble(server, b"GET /healt", b"hz HTTP/1.1\r\nHost: x\r\n\r\n" * 10)
    assert took < DEADLINE + SLACK
    assert answer.startswith(b"HTTP/1.1 408")


def test_slow_headers_are_cut_off_though_bytes_keep_coming(server: tuple[str, int]) -> None:
    head = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
    answer, took = dribble(server, head, b"X-Slow: " + b"a" * 200)
    assert took < DEADLINE + SLACK
    assert answer.startswith(b"HTTP/1.1 408")


def test_slow_body_is_cut_off(server: tuple[str, int]) -> None:
    head = (
        b"POST /language HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 200\r\n"
        b"Cookie: " + f"{SESSION_COOKIE}={signed_session()}".encode() + b"\r\n\r\n"
    )
    answer, took = dribble(server, head, b"language=" + b"e" * 191)
    assert took < DEADLINE + SLACK
    assert answer.startswith(b"HTTP/1.1 408")
    assert b"connection: close" in answer.lower()


def test_prompt_clients_are_served_on_a_kept_alive_connection(server: tuple[str, int]) -> None:
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection(server, timeout=5) as sock:
        for _ in range(2):
            sock.sendall(request)
            answer = b""
            while not answer.endswith(b"}"):
                answer += sock.recv(4096)
            assert answer.startswith(b"HTTP/1.1 200"), answer
            time.sleep(DEADLINE * 0.6)  # together past the deadline: it is per request


def test_request_head_is_bounded(server: tuple[str, int]) -> None:
    huge = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40_000
    with socket.create_connection(server, timeout=5) as sock:
        sock.sendall(huge)  # no end of the head yet: h11 buffers no more than the cap
        assert sock.recv(4096).startswith(b"HTTP/1.1 400")


async def test_body_deadline_leaves_a_read_body_alone() -> None:
    """Once the body is in, `receive` is a stream's wait for the disconnect: no deadline."""
    import asyncio

    from starlette.types import Message, Receive, Scope, Send

    from portal.web.core.slowloris import BodyDeadline

    seen: list[str] = []

    async def stream(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()  # the (empty) body
        await send({"type": "http.response.start", "status": 200, "headers": []})
        seen.append((await receive())["type"])  # waits past the deadline for the disconnect

    inbox = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> Message:
        if inbox:
            return inbox.pop()
        await asyncio.sleep(0.3)
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        seen.append(str(message.get("status", message["type"])))

    await BodyDeadline(stream, timeout=0.1)({"type": "http"}, receive, send)
    assert seen == ["200", "http.disconnect"]
