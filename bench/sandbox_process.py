"""Shared by the benches: run a server (a sandbox, a portal) in a child process on its own core.

A bench calls `start(__file__, members)`; the child re-runs that bench script with
`--serve PORT --members N`, and the bench's own `serve()` starts the WeCom sandbox there.
`start_child` is the general form: its own arguments after `--serve PORT`, and the path to
poll until the child answers.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(script: str, members: int) -> tuple[subprocess.Popen[bytes], str]:
    """Start `script --serve` on a free port; return the child and the sandbox URL when ready."""
    return start_child(script, ["--members", str(members)], ready_path="/_control/stats")


def start_child(
    script: str, arguments: Sequence[str], *, ready_path: str
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `script --serve PORT *arguments`; return the child and its URL once `ready_path`
    answers 2xx."""
    port = free_port()
    command = [sys.executable, script, "--serve", str(port), *arguments]
    child = subprocess.Popen(command, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}{ready_path}", timeout=1).raise_for_status()
            return child, url
        except httpx.TransportError:
            time.sleep(0.05)
    child.kill()
    raise SystemExit("sandbox did not start")
