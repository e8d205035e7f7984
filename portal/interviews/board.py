"""The HR board's filters, counts and choices, computed from one day's interviews (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from portal.db.board import BoardEntry
from portal.scheduling import Status


def _positive(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and 0 < int(value) < 2**31 else None


class Filtered(Protocol):
    """What the filters look at: a board row, or an interview the live stream re-renders."""

    @property
    def status(self) -> Status: ...
    @property
    def position_id(self) -> int: ...
    @property
    def interviewer_ids(self) -> tuple[int, ...]: ...


@dataclass(frozen=True)
class BoardFilters:
    status: Status | None = None
    interviewer_id: int | None = None
    position_id: int | None = None

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> BoardFilters:
        """Read the filter query; a value that makes no sense is ignored, not an error."""
        status = params.get("status") or ""
        return cls(
            status=Status(status) if status in Status.__members__.values() else None,
            interviewer_id=_positive(params.get("interviewer")),
            position_id=_positive(params.get("position")),
        )

    def query(self) -> dict[str, str]:
        """The filters as the board's query string has them (what is set)."""
        values = {
            "status": self.status.value if self.status else None,
            "interviewer": self.interviewer_id,
            "position": self.position_id,
        }
        return {key: str(value) for key, value in values.items() if value is not None}

    def keeps(self, interview: Filtered) -> bool:
        if self.status is not None and interview.status != self.status:
            return False
        if self.position_id is not None and interview.position_id != self.position_id:
            return False
        return self.interviewer_id is None or self.interviewer_id in interview.interviewer_ids


@dataclass(frozen=True)
class Board:
    rows: list[BoardEntry]
    counts: dict[Status, int]  # the whole day, whatever the filters
    total: int
    interviewers: list[tuple[int, str]]  # filter choices: who is on today's board
    positions: list[tuple[int, str]]


def build_board(day: Sequence[BoardEntry], filters: BoardFilters) -> Board:
    counts = Counter(interview.status for interview in day)
    people = {m.person_id: m.display_name for i in day for m in i.panel}
    positions = {i.position_id: i.position_title for i in day}
    return Board(
        rows=[interview for interview in day if filters.keeps(interview)],
        counts={status: counts[status] for status in Status},
        total=len(day),
        interviewers=sorted(people.items(), key=lambda item: item[1]),
        positions=sorted(positions.items(), key=lambda item: item[1]),
    )
