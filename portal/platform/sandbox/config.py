"""Sandbox configuration and the demo team's credentials."""

from __future__ import annotations

from dataclasses import dataclass

DEMO_API_KEY = "smb-demo-key-7Qw9rT2x"
DEMO_WEBHOOK_SECRET = "smb-demo-webhook-secret-Lk3vP8"


@dataclass
class PlatformSandboxConfig:
    """One platform team; defaults are the demo team.

    `webhook_url` is the portal's `POST /platform/webhook` (None: events are recorded, not
    sent). `public_base` is the absolute base of room links, mount prefix included (None:
    the request's own scheme, host and root path). Webhook retries wait
    `retry_delays[i] * retry_scale` seconds (the doc's 15 s, 15 s, 30 s; tests scale it
    down); every API answer waits `latency_s` first.
    """

    api_key: str = DEMO_API_KEY
    webhook_secret: str = DEMO_WEBHOOK_SECRET
    webhook_url: str | None = None
    public_base: str | None = None
    retry_delays: tuple[float, ...] = (15.0, 15.0, 30.0)
    retry_scale: float = 1.0
    latency_s: float = 0.0
    webhook_timeout_s: float = 5.0
    max_interviewers: int = 5


@dataclass(frozen=True)
class BankQuestion:
    """A question in the sandbox's fixed question bank."""

    uid: str
    title: str
    kind: str


@dataclass(frozen=True)
class BankPaper:
    """A prepared paper (an "exam"): a titled list of question uids."""

    uid: str
    title: str
    questions: tuple[str, ...]


QUESTIONS = (
    BankQuestion("Q1001", "Reverse a singly linked list", "programming"),
    BankQuestion("Q1002", "Explain Python's GIL and when it matters", "essay"),
    BankQuestion("Q1003", "Which HTTP methods are idempotent?", "choice"),
    BankQuestion("Q1004", "Sketch the architecture of a URL shortener", "drawing"),
    BankQuestion("Q1005", "Introduce a project you are proud of (2 minutes)", "video"),
    BankQuestion("Q1006", "Implement an LRU cache", "programming"),
)
PAPERS = (
    BankPaper("PY01", "Python backend", ("Q1002", "Q1003", "Q1006")),
    BankPaper("FE01", "Frontend basics", ("Q1003", "Q1004")),
    BankPaper("AL01", "Algorithms", ("Q1001", "Q1006", "Q1005")),
)
