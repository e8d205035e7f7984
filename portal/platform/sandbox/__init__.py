"""An interview-platform stand-in for tests and demos: open API, room pages, webhooks, faults.

Production never uses it. See `create_platform_sandbox` and the `/_control` API in
`control.py`; faults are described in `faults.py`.
"""

from __future__ import annotations

from .app import create_platform_sandbox
from .config import DEMO_API_KEY, DEMO_WEBHOOK_SECRET, PAPERS, QUESTIONS, PlatformSandboxConfig

__all__ = [
    "DEMO_API_KEY",
    "DEMO_WEBHOOK_SECRET",
    "PAPERS",
    "QUESTIONS",
    "PlatformSandboxConfig",
    "create_platform_sandbox",
]
