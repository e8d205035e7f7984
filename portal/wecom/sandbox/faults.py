"""Fault injection: errcodes, HTTP statuses and delays for chosen /cgi-bin paths."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

MAX_DELAY_S = 120.0
MAX_ERRMSG = 1024


def normalise_path(path: str) -> str:
    """`/cgi-bin/message/send` and `message/send` name the same endpoint."""
    path = path.strip().lstrip("/")
    return path.removeprefix("cgi-bin/")


@dataclass
class Fault:
    """One injected fault; `times` counts down, `ratio` fires on a share of calls.

    `errmsg` replaces the sandbox's own text of an errcode fault, so a test can give WeCom's
    exact words (60020's "from ip: 203.0.113.7").
    """

    id: int
    path: str
    errcode: int | None = None
    errmsg: str | None = None
    http_status: int | None = None
    delay_s: float | None = None
    times: int | None = None
    ratio: float | None = None
    fired: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def matches(self, path: str) -> bool:
        """True when this fault covers the endpoint path ("*" covers all)."""
        return self.path in ("*", path)

    def as_json(self) -> dict[str, Any]:
        """The fault as the control API shows it."""
        return {
            "id": self.id,
            "path": self.path,
            "errcode": self.errcode,
            "errmsg": self.errmsg,
            "http_status": self.http_status,
            "delay_s": self.delay_s,
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


def _optional_text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_ERRMSG:
        raise ValueError(f"{key} must be a string of at most {MAX_ERRMSG} characters")
    return value


def _seed(body: dict[str, Any]) -> int | str | None:
    seed = body.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | str)):
        raise ValueError("seed must be an integer or a string")
    return seed


def parse_fault(body: Any, fault_id: int) -> Fault:
    """Validate a POST /_control/faults body; raise ValueError with a readable reason."""
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    path = body.get("path")
    if not isinstance(path, str) or not path.strip():
        raise ValueError("path is required, e.g. 'message/send' or '*'")
    fault = Fault(
        id=fault_id,
        path=normalise_path(path) or "*",
        errcode=_optional_int(body, "errcode"),
        errmsg=_optional_text(body, "errmsg"),
        http_status=_optional_int(body, "http_status"),
        delay_s=_optional_float(body, "delay_s"),
        times=_optional_int(body, "times"),
        ratio=_optional_float(body, "ratio"),
        rng=random.Random(_seed(body)),
    )
    _check(fault)
    return fault


def _check(fault: Fault) -> None:
    if fault.errcode is None and fault.http_status is None and fault.delay_s is None:
        raise ValueError("give at least one of errcode, http_status, delay_s")
    if fault.errcode == 0:
        raise ValueError("errcode 0 is not a fault")
    if fault.errmsg is not None and fault.errcode is None:
        raise ValueError("errmsg goes with an errcode")
    if fault.http_status is not None and not 400 <= fault.http_status <= 599:
        raise ValueError("http_status must be 400..599")
    if fault.delay_s is not None and not 0 < fault.delay_s <= MAX_DELAY_S:
        raise ValueError(f"delay_s must be in (0, {MAX_DELAY_S}]")
    if fault.times is not None and fault.ratio is not None:
        raise ValueError("give times or ratio, not both")
    if fault.times is not None and fault.times < 1:
        raise ValueError("times must be >= 1")
    if fault.ratio is not None and not 0 <= fault.ratio <= 1:
        raise ValueError("ratio must be in [0, 1]")


class FaultBook:
    """The active faults, checked in the order they were added."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self._next_id = 1

    def add(self, body: Any) -> Fault:
        """Parse and register a fault."""
        fault = parse_fault(body, self._next_id)
        self._next_id += 1
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        """Remove every fault."""
        self.faults.clear()

    def pick(self, path: str) -> Fault | None:
        """Return the fault that fires for this call, consuming one of its `times`."""
        for fault in self.faults:
            if not fault.matches(path):
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
