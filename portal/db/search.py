"""As-you-type search: a case-insensitive "contains" over some columns, portable SQL."""

from __future__ import annotations

import sqlalchemy as sa


def contains_any(query: str, *columns: sa.ColumnElement[str | None]) -> sa.ColumnElement[bool]:
    """True where any column contains `query`; `%`, `_` and `\\` in it are taken literally."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped.lower()}%"
    return sa.or_(*(sa.func.lower(column).like(pattern, escape="\\") for column in columns))
