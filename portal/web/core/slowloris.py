"""Bounded reads for slow clients: the request head under uvicorn, the body in ASGI.

uvicorn has a keep-alive timeout between requests but none while a request line, its headers
or its body trickle in, so a client sending a byte every few seconds holds a connection for
as long as it likes. `guarded_h11(header_timeout)` is uvicorn's h11 protocol with a deadline
from a request's first byte to the end of its headers (the ASGI app never sees a request
before that, so no middleware can do it); `BodyDeadline` bounds the whole body.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

REQUEST_TIMEOUT = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: 16\r\n"
    b"connection: close\r\n\r\n"
    b"Request Timeout\n"
)


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol; a request whose head is not in by `header_timeout` is closed."""

    header_timeout = 10.0
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:
            self._arm()  # the head of the next request has started (or is still arriving)
        else:
            self._disarm()

    def on_response_complete(self) -> None:
        self._disarm()  # between requests, uvicorn's keep-alive timeout is the one that runs
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.header_timeout, self._head_expired)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_expired(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        self.logger.info("closing a connection whose request head took too long")
        if self.conn.our_state is h11.IDLE:
            self.transport.write(REQUEST_TIMEOUT)
        self.transport.close()


def guarded_h11(header_timeout: float) -> type[HeaderDeadlineProtocol]:
    """The protocol class to hand `uvicorn.Config(http=...)`."""
    return type("GuardedH11Protocol", (HeaderDeadlineProtocol,), {"header_timeout": header_timeout})


class BodyTimeout(Exception):
    """The request body did not arrive within its deadline."""


class BodyDeadline:
    """Pure ASGI middleware: the whole body must arrive within `timeout` seconds of the request.

    Only while the body is being read: once it is complete, `receive` is the app's wait for a
    disconnect (SSE streams), which may last as long as the stream does. A late body gets 408
    with `connection: close`, so the server drops the connection.
    """

    def __init__(self, app: ASGIApp, *, timeout: float) -> None:
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        body_done = False
        started = False

        async def guarded_receive() -> Message:
            nonlocal body_done
            if body_done:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise BodyTimeout() from None
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, guarded_receive, tracking_send)
        except BodyTimeout:
            if started:
                raise
            await _request_timeout(send)


async def _request_timeout(send: Send) -> None:
    headers: list[Any] = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 408, "headers": headers})
    await send({"type": "http.response.body", "body": b"Request Timeout\n"})
