"""Helpers the list queries of every aggregate share: a page of results, and "contains" search."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

import sqlalchemy as sa

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer list: its items, where it sits, and how many there are in all."""

    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def offset_of(page: int, per_page: int) -> int:
    """The first row of `page` (pages count from 1; anything lower is the first page)."""
    return (max(page, 1) - 1) * per_page


def contains_any(query: str, *columns: sa.ColumnElement[str | None]) -> sa.ColumnElement[bool]:
    """True where any column contains `query`; `%`, `_` and `\\` in it are taken literally."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped.lower()}%"
    return sa.or_(*(sa.func.lower(column).like(pattern, escape="\\") for column in columns))
