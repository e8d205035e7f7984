"""The interviewer picker on the interview forms: search results and a picked person's chip."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from portal.db.interviewers import interviewer_profiles
from portal.db.people import search_people
from portal.errors import NotFound
from portal.web.core.forms import picked_ids
from portal.web.core.htmx import hx_trigger
from portal.web.core.rendering import render
from portal.web.core.state import app_state

RESULTS = 8
# The form field a picked chip fills: the interview's panel, or a plan round's pool.
FIELDS = ("interviewer_ids", "pool_ids")


def _field(request: Request) -> str:
    asked = request.query_params.get("field", "")
    return asked if asked in FIELDS else FIELDS[0]


async def search(request: Request) -> Response:
    query = request.query_params.get("q", "")[:100]
    found = await search_people(
        app_state(request)["db"], query=query, per_page=RESULTS, active_only=True
    )
    context = {"people": found.items, "field": _field(request)}
    return render(request, "people/_options.html", context)


async def chip(request: Request) -> Response:
    """A picked interviewer (204 when already picked, so nothing is added twice)."""
    person_id, field = request.path_params["person_id"], _field(request)
    if person_id in picked_ids(request.query_params.getlist(field)):
        return Response(status_code=204)
    profiles = await interviewer_profiles(app_state(request)["db"], [person_id])
    if not profiles or not profiles[0].active:
        raise NotFound()
    response = render(request, "people/_chip.html", {"person": profiles[0], "field": field})
    # After the settle: the form's conflict check must read the chip's input, which a plain
    # HX-Trigger (fired before the swap) would not find.
    return hx_trigger(response, "interviewers-changed", after="settle")
