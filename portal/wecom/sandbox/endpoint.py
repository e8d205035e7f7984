"""What a /cgi-bin endpoint handler receives and how it is registered."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .context import Sandbox


@dataclass
class ApiCall:
    """What an endpoint handler sees (token already checked, body parsed)."""

    sandbox: Sandbox
    query: Mapping[str, str]
    body: dict[str, Any]
    now: float


Handler = Callable[[ApiCall], dict[str, Any]]


@dataclass(frozen=True)
class Endpoint:
    """A /cgi-bin path: its handler, whether it needs POST, whether it needs a token."""

    handler: Handler
    post: bool = False
    token: bool = True
