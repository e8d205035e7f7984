"""Reading the query values that navigate a page (`?page=`, `?day=`): a missing, malformed or
out-of-range value falls back to the default view, never an error (the links are ours;
anything else was typed or tampered with)."""

from __future__ import annotations

import re
from datetime import date

from starlette.requests import Request

from portal.scheduling.fields import parse_day

MAX_PAGE = 99_999
_PAGE = re.compile(r"[1-9][0-9]{0,4}")  # ASCII only: str.isdigit() also takes "²"


def page_number(request: Request) -> int:
    """The page asked for (pair of `portal.db.listing.Page`); anything else is page 1."""
    raw = request.query_params.get("page", "1")
    return int(raw) if _PAGE.fullmatch(raw) and int(raw) <= MAX_PAGE else 1


def query_day(request: Request, name: str) -> date | None:
    """The day in `?<name>=YYYY-MM-DD` if it is one the portal plans on, else None."""
    return parse_day(request.query_params.get(name, ""))
