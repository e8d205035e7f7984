"""`portal serve` as a real OS process, for tests that need two app instances on one database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

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
