"""What a check found and how the doctor prints it (pure: no I/O)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    OK = "ok"
    FAIL = "FAIL"
    SKIP = "skip"


@dataclass(frozen=True)
class Result:
    """One check's outcome: what was found and, when it failed, what the operator should do."""

    name: str
    status: Status
    detail: str
    advice: str = ""

    @property
    def failed(self) -> bool:
        return self.status is Status.FAIL


def passed(name: str, detail: str) -> Result:
    return Result(name, Status.OK, detail)


def failed(name: str, detail: str, advice: str = "") -> Result:
    return Result(name, Status.FAIL, detail, advice)


def skipped(name: str, reason: str) -> Result:
    return Result(name, Status.SKIP, reason)


def format_line(result: Result) -> str:
    """One line: `ok    gettoken: token issued (expires in 7200 s)`; advice after a failure."""
    text = f"{result.name}: {result.detail}"
    if result.advice:
        text = f"{text.rstrip('.')}. {result.advice}"
    return f"{result.status.value:<6}{text}"


def summary(results: Sequence[Result]) -> str:
    failures = sum(result.failed for result in results)
    skips = sum(result.status is Status.SKIP for result in results)
    ran = len(results) - skips
    if failures:
        return f"{failures} of {ran} checks failed ({skips} skipped)."
    return f"all {ran} checks passed ({skips} skipped)."


def format_report(results: Sequence[Result], secrets: Iterable[str] = ()) -> str:
    """Every check's line and a summary, with any secret value masked (belt and braces)."""
    lines = [format_line(result) for result in results] + [summary(results)]
    return scrub("\n".join(lines), secrets) + "\n"


def exit_code(results: Sequence[Result]) -> int:
    """0 only when no check failed (skipped checks do not count)."""
    return 1 if any(result.failed for result in results) else 0


# Shorter values could match ordinary words of the output; every real secret is longer.
_MIN_SECRET = 6


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` with every occurrence of each secret replaced by `***`, longest first."""
    for secret in sorted({s for s in secrets if len(s) >= _MIN_SECRET}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def shorten(text: str, limit: int = 80) -> str:
    """One line of at most `limit` characters, for quoting what a server answered."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
