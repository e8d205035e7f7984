"""Logs an operator can follow (issue 17): request ids in and out, JSON lines, no secrets."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa

from portal.db.database import Database
from portal.db.tables import wecom_tokens
from portal.logs import RequestIdFilter, configure_logging
from portal.settings import Settings
from portal.wecom import sandbox as demo
from tests.conftest import Auth
from tests.factories import World


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """`configure_logging` replaces the root handlers: put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    disabled = logging.getLogger("uvicorn.access").disabled
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("uvicorn.access").disabled = disabled
    for name in ("httpx", "httpcore", "databases", "aiosqlite", "mail.log"):
        logging.getLogger(name).setLevel(logging.NOTSET)


def json_lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def capture(fmt: str, level: str = "DEBUG") -> io.StringIO:
    configure_logging(level, fmt)
    stream = io.StringIO()
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    return stream


@pytest.mark.parametrize(
    ("sent", "kept"),
    [("lb-7d1e.42", True), ("<script>", False), ("x" * 65, False), ("", False), (None, False)],
)
async def test_request_id_is_taken_when_plain_and_made_otherwise(
    client: httpx.AsyncClient, sent: str | None, kept: bool
) -> None:
    headers = {"X-Request-ID": sent} if sent is not None else {}
    answered = (await client.get("/healthz", headers=headers)).headers["X-Request-ID"]
    if kept:
        assert answered == sent
    else:
        assert answered != sent and len(answered) == 16 and int(answered, 16) >= 0
    other = (await client.get("/healthz")).headers["X-Request-ID"]
    assert other != answered


async def test_json_lines_carry_the_request_id(
    client: httpx.AsyncClient, restored_logging: None
) -> None:
    stream = capture("json", "INFO")
    await client.get("/healthz", headers={"X-Request-ID": "req-42"})
    lines = json_lines(stream)
    [request_line] = [line for line in lines if line["logger"] == "portal.request"]
    assert request_line["request_id"] == "req-42"
    assert request_line["level"] == "INFO" and "time" in request_line
    assert str(request_line["message"]).startswith("GET /healthz 200")


async def test_text_lines_carry_the_request_id(
    client: httpx.AsyncClient, restored_logging: None
) -> None:
    stream = capture("text", "INFO")
    await client.get("/healthz", headers={"X-Request-ID": "req-43"})
    [line] = [x for x in stream.getvalue().splitlines() if "portal.request" in x]
    assert "[req-43]" in line and "GET /healthz 200" in line


async def test_no_secret_reaches_any_log_line_at_debug(
    client: httpx.AsyncClient,
    auth: Auth,
    db: Database,
    world: World,
    settings: Settings,
    restored_logging: None,
) -> None:
    """Sign-in (an OAuth code, a token fetch), staff pages, a candidate's link: all logged at
    DEBUG in JSON, and none of the secrets they handle appears."""
    stream = capture("json", "DEBUG")
    state = await auth.start()
    code = auth.sandbox.code_for(demo.DEMO_HR_USERID)
    signed_in = await client.get("/auth/callback", params={"code": code, "state": state})
    assert signed_in.status_code == 303
    booked = await world.interview()
    for path in ("/", "/board", f"/interviews/{booked.interview_id}", booked.path):
        await client.get(path)
    token = await db.fetch_val(sa.select(wecom_tokens.c.value).limit(1))
    assert token, "signing in fetched an access token"
    cookie = client.cookies.get("portal_session")
    assert cookie
    logged = stream.getvalue()
    assert json_lines(stream), "something was logged"
    secrets = {
        "WeCom secret": str(settings.wecom.secret),
        "access token": token,
        "OAuth code": code,
        "session cookie": cookie,
        "candidate link": booked.token,
        "portal secret key": str(settings.secret_key),
        "callback AES key": str(settings.wecom.callback_aes_key),
    }
    leaked = [name for name, secret in secrets.items() if secret in logged]
    assert leaked == []


def test_request_id_filter_marks_lines_outside_requests() -> None:
    record = logging.LogRecord("portal.x", logging.INFO, __file__, 1, "hello", None, None)
    assert RequestIdFilter().filter(record) and getattr(record, "request_id", None) == "-"
