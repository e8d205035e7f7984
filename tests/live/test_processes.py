"""A real `portal serve` process: SIGTERM with an SSE stream open still stops it promptly."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from portal.wecom import sandbox as demo
from portal.wecom.sandbox import SandboxConfig
from tests.conftest import environ_for
from tests.live.processes import PortalProcess, sandbox_on_machine_clock
from tests.support.sandbox import AppSwitch, SandboxControl
from tests.support.servers import free_port

pytestmark = pytest.mark.slow


@pytest.fixture
def sandbox(
    _wecom_server: tuple[AppSwitch, str], wecom_config: SandboxConfig
) -> Iterator[SandboxControl]:
    """The `portal` processes here run on the machine's clock, and so does the sandbox."""
    with sandbox_on_machine_clock(_wecom_server, wecom_config) as control:
        yield control


def sign_in(client: httpx.Client, sandbox: SandboxControl, userid: str) -> None:
    """The web login, as a browser would do it: /login/wecom, WeCom's code, /auth/callback."""
    start = client.get("/login/wecom")
    state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
    callback = client.get(
        "/auth/callback", params={"code": sandbox.code_for(userid), "state": state}
    )
    assert callback.status_code == 303, callback.text


def test_serve_sigterm_with_open_stream_exits_promptly(
    sqlite_url: str, sandbox: SandboxControl, tmp_path: Path
) -> None:
    port = free_port()
    environ = environ_for(sqlite_url, sandbox.base_url, PORTAL_BASE_URL=f"http://127.0.0.1:{port}")
    server = PortalProcess(environ, port=port, log=tmp_path / "serve.log")
    server.start()
    took: list[float] = []
    try:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            sign_in(client, sandbox, demo.DEMO_HR_USERID)
            headers = {"Accept": "text/event-stream"}
            with client.stream("GET", "/live/board", headers=headers) as stream:
                assert stream.status_code == 200
                lines = stream.iter_lines()
                assert next(lines) == "retry: 1000"
                stopping = threading.Thread(target=lambda: took.append(server.stop()))
                stopping.start()
                # The server ends the stream: the blank line closing `retry:`, and nothing more.
                assert list(lines) == [""]
                stopping.join(timeout=15)
    finally:
        server.stop()
    assert took and took[0] < 5, f"took {took}s to stop; see {tmp_path / 'serve.log'}"
    print(f"stopped in {took[0]:.2f}s")
