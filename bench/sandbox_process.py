"""Shared by the benches: run the WeCom sandbox in a child process so it has its own core.

A bench calls `start(__file__, members)`; the child re-runs that bench script with
`--serve PORT --members N`, and the bench's own `serve()` starts the sandbox there.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(script: str, members: int) -> tuple[subprocess.Popen[bytes], str]:
    """Start `script --serve` on a free port; return the child and the sandbox URL when ready."""
    port = free_port()
    command = [sys.executable, script, "--serve", str(port), "--members", str(members)]
    child = subprocess.Popen(command, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/_control/stats", timeout=1).raise_for_status()
            return child, url
        except httpx.TransportError:
            time.sleep(0.05)
    child.kill()
    raise SystemExit("sandbox did not start")
