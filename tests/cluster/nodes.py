"""A small deployment on one machine: `portal serve --no-worker` and `portal worker` processes
on one PostgreSQL, each a real OS process with its output in its own log file.

`Cluster.serve(...)` starts web instances (each on its own loopback port, ready once
`/healthz` answers), `Cluster.workers(...)` outbox workers (ready once they log "worker
started"); `Cluster.stop()` ends every process (SIGTERM, then SIGKILL), `Cluster.logs()` is
what they wrote, for a failing test's report.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import httpx

from tests.conftest import environ_for
from tests.support.servers import free_port

START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0


class Node:
    """One `python -m portal ...` process; stdout and stderr go to `log`."""

    def __init__(self, name: str, args: list[str], environ: dict[str, str], log: Path) -> None:
        self.name = name
        self.args = args
        self.environ = environ
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, f"{self.name} was never started"
        return self.process.pid

    def launch(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "portal", *self.args],
                env=os.environ | self.environ,
                cwd=self.log.parent,  # no stray .env: the environment is the whole configuration
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_until(self, ready: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not ready():
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}: {what} after {START_TIMEOUT}s:\n{self.tail()}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: the machine went away, nothing is finished or closed."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def terminate(self) -> None:
        """SIGTERM, as a process manager would (once: a second one makes uvicorn hurry)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def reap(self) -> int | None:
        """Wait for the exit after `terminate`, SIGKILL past the timeout; None when killed."""
        if self.process is None:
            return None
        try:
            return self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None

    def output(self) -> str:
        """Everything the process wrote so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.output().splitlines()[-lines:])


class WebNode(Node):
    """`portal serve --no-worker` on its own loopback port (and base URL)."""

    def __init__(self, name: str, environ: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = ["serve", "--no-worker", "--host", "127.0.0.1", "--port", str(self.port)]
        super().__init__(name, args, environ | {"PORTAL_BASE_URL": self.url}, log)

    def healthy(self) -> bool:
        try:
            return httpx.get(self.url + "/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False


AnyNode = TypeVar("AnyNode", bound=Node)


class Cluster:
    """Every process of one test, on `database_url`, with WeCom at `wecom_base`."""

    def __init__(self, database_url: str, wecom_base: str, directory: Path) -> None:
        self.environ = environ_for(database_url, wecom_base)
        self.directory = directory
        self.nodes: list[Node] = []

    def serve(self, *names: str) -> list[WebNode]:
        webs = [WebNode(name, self.environ, self.directory / f"{name}.log") for name in names]
        self._start(webs, lambda node: node.wait_until(node.healthy, "/healthz not 200"))
        return webs

    def workers(self, *names: str) -> list[Node]:
        # DEBUG: the worker logs each batch it sends, which tells the workers' shares apart.
        environ = self.environ | {"PORTAL_LOG_LEVEL": "DEBUG"}
        workers = [
            Node(name, ["worker"], environ, self.directory / f"{name}.log") for name in names
        ]

        def ready(node: Node) -> None:
            node.wait_until(lambda: "worker started" in node.output(), "no 'worker started'")

        self._start(workers, ready)
        return workers

    def _start(self, nodes: Sequence[AnyNode], wait: Callable[[AnyNode], None]) -> None:
        self.nodes.extend(nodes)
        for node in nodes:  # all at once, then wait for each: they start in parallel
            node.launch()
        for node in nodes:
            wait(node)

    def stop(self) -> None:
        for node in self.nodes:
            node.terminate()
        for node in self.nodes:
            node.reap()

    def logs(self) -> str:
        return "\n\n".join(
            f"--- {node.name} ({node.log}) ---\n{node.tail()}" for node in self.nodes
        )
