"""The demo's mailbox: a local SMTP server (aiosmtpd) that keeps what candidates received,
and a small page under /_mail to read it. Demo only; nothing here is used in production.
"""

from __future__ import annotations

import itertools
import socket
import threading
from collections import deque
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

KEPT = 500  # the mailbox forgets the oldest beyond this


@dataclass(frozen=True)
class Received:
    id: int
    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message.get("Subject", ""))

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    def attachments(self) -> list[tuple[str, str, bytes]]:
        """(file name, content type, bytes) of each attachment."""
        found = []
        for part in self.message.iter_attachments():
            payload = part.get_payload(decode=True)
            body = payload if isinstance(payload, bytes) else b""
            found.append((part.get_filename() or "attachment", part.get_content_type(), body))
        return found


class Mailbox:
    """aiosmtpd handler: every accepted message, newest last (bounded)."""

    def __init__(self, kept: int = KEPT) -> None:
        self._messages: deque[Received] = deque(maxlen=kept)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        data = raw if isinstance(raw, bytes) else raw.encode()
        message = BytesParser(policy=policy.default).parsebytes(data)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self._messages.append(
                Received(
                    next(self._ids),
                    str(envelope.mail_from or ""),
                    tuple(str(r) for r in envelope.rcpt_tos),
                    message,
                )
            )
        return "250 Message accepted for delivery"

    def messages(self, recipient: str | None = None) -> list[Received]:
        with self._lock:
            items = list(self._messages)
        if recipient is None:
            return items
        return [m for m in items if recipient.lower() in (r.lower() for r in m.recipients)]

    def get(self, message_id: int) -> Received | None:
        return next((m for m in self.messages() if m.id == message_id), None)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(handler: Any, *, host: str = "127.0.0.1", port: int = 0) -> Controller:
    """An SMTP server on loopback (a free port unless given), running in its own thread."""
    controller = Controller(handler, hostname=host, port=port or free_port(host))
    controller.start()
    return controller


def _page(title: str, body: str) -> HTMLResponse:
    from html import escape

    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


def create_mailbox_app(mailbox: Mailbox) -> Starlette:
    """The /_mail pages: every message (or one recipient's), one message, its attachments."""
    from html import escape

    async def index(request: Request) -> Response:
        recipient = request.query_params.get("to")
        rows = "".join(
            f"<tr><td>{escape(', '.join(m.recipients))}</td>"
            f'<td><a href="{request.url_for("mail:message", message_id=m.id).path}">'
            f"{escape(m.subject)}</a></td></tr>"
            for m in reversed(mailbox.messages(recipient))
        )
        table = f"<table><tr><th>To</th><th>Subject</th></tr>{rows}</table>"
        return _page("Mailbox" if not recipient else f"Mailbox: {recipient}", table)

    def _found(request: Request) -> Received:
        found = mailbox.get(int(request.path_params["message_id"]))
        if found is None:
            raise HTTPException(404)
        return found

    async def message(request: Request) -> Response:
        received = _found(request)

        def href(index: int) -> str:
            return request.url_for("mail:attachment", message_id=received.id, index=index).path

        links = "".join(
            f'<li><a href="{href(i)}">{escape(name)}</a> ({escape(kind)})</li>'
            for i, (name, kind, _body) in enumerate(received.attachments())
        )
        body = (
            f"<p>From: {escape(received.sender)}<br>To: {escape(', '.join(received.recipients))}"
            f"</p><pre>{escape(received.text)}</pre><ul>{links}</ul>"
            f'<p><a href="{request.url_for("mail:index").path}">All mail</a></p>'
        )
        return _page(received.subject, body)

    async def attachment(request: Request) -> Response:
        items = _found(request).attachments()
        index = int(request.path_params["index"])
        if index >= len(items):
            raise HTTPException(404)
        name, kind, data = items[index]
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(data, media_type=kind, headers=headers)

    return Starlette(
        routes=[
            Route("/", index, name="mail:index"),
            Route("/{message_id:int}", message, name="mail:message"),
            Route("/{message_id:int}/attachments/{index:int}", attachment, name="mail:attachment"),
        ]
    )
