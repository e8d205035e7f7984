"""`portal` as a real OS process: `portal serve` for tests that need two app instances on one
database, and the WeCom sandbox on the machine's clock that such processes run on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from portal.clock import SYSTEM_CLOCK
from portal.wecom.sandbox import SandboxConfig
from tests.support.sandbox import AppSwitch, SandboxControl

REPO = Path(__file__).resolve().parents[2]


class PortalProcess:
    """`python -m portal serve --no-worker` on a loopback port; its output goes to `log`."""

    def __init__(self, environ: dict[str, str], *, port: int, log: Path) -> None:
        self.environ = environ
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> None:
        command = [sys.executable, "-m", "portal", "serve", "--port", str(self.port), "--no-worker"]
        with self.log.open("ab") as out:
            self._process = subprocess.Popen(
                command, env=os.environ | self.environ, cwd=REPO, stdout=out, stderr=out
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"portal serve exited early; see {self.log}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"portal serve on {self.port} did not become healthy; see {self.log}")

    def stop(self, timeout: float = 15.0) -> float:
        """SIGTERM, as a process manager would; returns how long the process took to exit."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return 0.0
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        return time.monotonic() - started


@contextmanager
def sandbox_on_machine_clock(
    server: tuple[AppSwitch, str], config: SandboxConfig
) -> Iterator[SandboxControl]:
    """The test's sandbox (as the `sandbox` fixture installs it) on the machine's clock.

    A `python -m portal ...` process runs on the machine's clock, not on the test's frozen
    one; with the sandbox on the same clock, tokens, caps and callback timestamps agree. A
    module whose tests start such processes overrides `sandbox` with this.
    """
    switch, url = server
    control = SandboxControl(url)
    control.install(switch, config, clock=SYSTEM_CLOCK.timestamp)
    try:
        yield control
    finally:
        control.close()
        switch.app = None
