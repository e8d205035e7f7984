"""Reading `?page=` for the paged lists (pair of `portal.db.listing.Page`)."""

from __future__ import annotations

from starlette.requests import Request

MAX_PAGE = 99_999


def page_number(request: Request) -> int:
    """The page asked for; anything missing, malformed or out of range is page 1."""
    raw = request.query_params.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_PAGE else 1
