"""Logging set-up: one line (or one JSON object) per event, each with the request id of what
caused it, and no secrets from third-party loggers."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

# httpx logs full request URLs at INFO (WeCom puts access_token in the query string), and
# `databases` logs query arguments at DEBUG (tokens, codes): keep both above those levels.
QUIET_LOGGERS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "databases": logging.INFO,
    "aiosqlite": logging.INFO,
    "mail.log": logging.WARNING,  # aiosmtpd (the demo's mail server) narrates every session
}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
JSON_FIELDS = ("asctime", "levelname", "name", "request_id", "message")

# The request being served, or the outbox row being sent for one: every log line carries it.
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
# What a caller may send as X-Request-ID: a proxy's or a load balancer's id, never markup.
_GOOD_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def new_request_id() -> str:
    return secrets.token_hex(8)


def accepted_request_id(sent: str | None) -> str:
    """The caller's id when it is a plain token, else a new one."""
    return sent if sent is not None and _GOOD_ID.fullmatch(sent) else new_request_id()


@contextmanager
def request_context(request_id: str | None) -> Iterator[None]:
    """Log lines (and outbox rows) written inside carry `request_id`."""
    token = REQUEST_ID.set(request_id)
    try:
        yield
    finally:
        REQUEST_ID.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get() or "-"
        return True


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    """Text lines for a terminal, or `fmt="json"`: one JSON object per line for a shipper."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if fmt == "json":
        handler.setFormatter(
            JsonFormatter(
                list(JSON_FIELDS),
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                json_ensure_ascii=False,
            )
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for name, floor in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(max(floor, logging.getLevelName(level)))
    # The portal writes its own request line without query strings; uvicorn's would leak codes.
    logging.getLogger("uvicorn.access").disabled = True
