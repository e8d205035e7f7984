"""Fault injection for the API endpoints (errcode, HTTP status, delay) and webhooks (drop).

Endpoints are named, not given as paths, because one path serves several operations:
"interviews:create", "interviews:list", "interviews:edit", "batch_interviews", "exams",
"written_questions"; "*" covers them all. "webhook" with `drop: true` swallows the next
webhooks ("*" never does).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

ENDPOINTS = (
    "interviews:create",
    "interviews:list",
    "interviews:edit",
    "batch_interviews",
    "exams",
    "written_questions",
)
ANY = "*"
WEBHOOK = "webhook"
MAX_DELAY_S = 120.0


@dataclass
class Fault:
    """One injected fault; `times` counts down, `ratio` fires on a share of calls."""

    id: int
    path: str
    errcode: int | None = None
    http_status: int | None = None
    delay_s: float | None = None
    drop: bool = False
    times: int | None = None
    ratio: float | None = None
    fired: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def matches(self, name: str) -> bool:
        """True when this fault covers the endpoint (or "webhook") `name`."""
        if name == WEBHOOK or self.path == WEBHOOK:
            return self.path == name
        return self.path in (ANY, name)

    def as_json(self) -> dict[str, Any]:
        """The fault as the control API shows it."""
        return {
            "id": self.id,
            "path": self.path,
            "errcode": self.errcode,
            "http_status": self.http_status,
            "delay_s": self.delay_s,
            "drop": self.drop,
            "times": self.times,
            "ratio": self.ratio,
            "fired": self.fired,
        }


def _optional_int(body: dict[str, Any], key: str) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key} must be an integer")
    return value


def _optional_float(body: dict[str, Any], key: str) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key} must be a number")
    return float(value)


def _path(body: dict[str, Any]) -> str:
    path = body.get("path")
    names = (*ENDPOINTS, ANY, WEBHOOK)
    if path not in names:
        raise ValueError(f"path must be one of {', '.join(names)}")
    return str(path)


def _seed(body: dict[str, Any]) -> int | str | None:
    seed = body.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | str)):
        raise ValueError("seed must be an integer or a string")
    return seed


def parse_fault(body: Any, fault_id: int) -> Fault:
    """Validate a POST /_control/faults body; raise ValueError with a readable reason."""
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    drop = body.get("drop", False)
    if not isinstance(drop, bool):
        raise ValueError("drop must be true or false")
    fault = Fault(
        id=fault_id,
        path=_path(body),
        errcode=_optional_int(body, "errcode"),
        http_status=_optional_int(body, "http_status"),
        delay_s=_optional_float(body, "delay_s"),
        drop=drop,
        times=_optional_int(body, "times"),
        ratio=_optional_float(body, "ratio"),
        rng=random.Random(_seed(body)),
    )
    _check_kind(fault)
    _check_counts(fault)
    return fault


def _check_kind(fault: Fault) -> None:
    answers = (fault.errcode, fault.http_status, fault.delay_s)
    if fault.path == WEBHOOK:
        if not fault.drop or any(a is not None for a in answers):
            raise ValueError("a webhook fault drops webhooks: give drop: true and nothing else")
        return
    if fault.drop:
        raise ValueError("drop is for path 'webhook' only")
    if all(a is None for a in answers):
        raise ValueError("give at least one of errcode, http_status, delay_s")
    if fault.errcode is not None and fault.http_status is not None:
        raise ValueError("give errcode or http_status, not both")
    if fault.errcode == 0:
        raise ValueError("errcode 0 is not a fault")
    if fault.http_status is not None and not 400 <= fault.http_status <= 599:
        raise ValueError("http_status must be 400..599")
    if fault.delay_s is not None and not 0 < fault.delay_s <= MAX_DELAY_S:
        raise ValueError(f"delay_s must be in (0, {MAX_DELAY_S}]")


def _check_counts(fault: Fault) -> None:
    if fault.times is not None and fault.ratio is not None:
        raise ValueError("give times or ratio, not both")
    if fault.times is not None and fault.times < 1:
        raise ValueError("times must be >= 1")
    if fault.ratio is not None and not 0 <= fault.ratio <= 1:
        raise ValueError("ratio must be in [0, 1]")


class FaultBook:
    """The armed faults, checked in the order they were added."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self._next_id = 1

    def add(self, body: Any) -> Fault:
        """Parse and arm a fault."""
        fault = parse_fault(body, self._next_id)
        self._next_id += 1
        self.faults.append(fault)
        return fault

    def clear(self) -> int:
        """Disarm every fault; return how many there were."""
        cleared = len(self.faults)
        self.faults.clear()
        return cleared

    def pick(self, name: str) -> Fault | None:
        """The fault that fires for this call of `name`, consuming one of its `times`."""
        for fault in self.faults:
            if not fault.matches(name):
                continue
            if fault.ratio is not None and fault.rng.random() >= fault.ratio:
                continue
            fault.fired += 1
            if fault.times is not None:
                fault.times -= 1
                if fault.times == 0:
                    self.faults.remove(fault)
            return fault
        return None
