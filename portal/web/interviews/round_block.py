"""The interview form's round block: the plan round, its number, its defaults and its pool.

The block is re-rendered alone (htmx) when HR changes the candidate, the position or the
plan round, so nothing else typed is lost. The round's duration, room and paper replace the
form's only when the plan round itself changes (out-of-band swaps); the hint names them.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from portal.db.candidates import get_candidate
from portal.db.database import Database
from portal.db.plans import get_round
from portal.db.positions import get_position
from portal.i18n import N_
from portal.interviews import round_offer
from portal.interviews.round_offer import RoundOffer
from portal.scheduling.fields import parse_id
from portal.scheduling.rooms import ROOM_KIND_LABELS, RoomKind
from portal.web.core.rendering import render, translate
from portal.web.core.state import app_state
from portal.web.interviews.form_values import choices

REMOVED_ROUND = N_("%(name)s (taken off the plan)")
PANEL_SHORT = N_("This round wants %(wanted)s interviewers; %(chosen)s chosen.")


def apply_defaults(values: dict[str, str], offer: RoundOffer) -> None:
    """Put the offered round's number and defaults into the form's values."""
    values["round"] = str(offer.number)
    plan_round = offer.plan_round
    values["plan_round_id"] = "" if plan_round is None else str(plan_round.id)
    if plan_round is not None:
        values["duration"] = str(plan_round.duration_minutes)
        values["room_kind"] = plan_round.room_kind
        values["room_paper_uid"] = plan_round.room_paper_uid or ""


async def known_ids(
    db: Database, raw_candidate: str, raw_position: str
) -> tuple[int | None, int | None]:
    """The candidate and active position the query names; anything else is ignored."""
    candidate_id, position_id = parse_id(raw_candidate), parse_id(raw_position)
    if candidate_id is not None and await get_candidate(db, candidate_id) is None:
        candidate_id = None
    position = None if position_id is None else await get_position(db, position_id)
    return candidate_id, position.id if position is not None and position.active else None


async def prefill(request: Request, values: dict[str, str]) -> None:
    """`/interviews/new?candidate_id=N&position_id=M`: that candidate, position and next round."""
    db = app_state(request)["db"]
    query = request.query_params
    candidate_id, position_id = await known_ids(
        db, query.get("candidate_id", ""), query.get("position_id", "")
    )
    if candidate_id is not None:
        values["candidate_id"] = str(candidate_id)
    if position_id is not None:
        values["position_id"] = str(position_id)
        apply_defaults(values, await round_offer.offer(db, candidate_id, position_id))


async def block_context(request: Request, values: dict[str, str]) -> dict[str, Any]:
    """What `_round_block.html` shows for the form's values (the round number is theirs)."""
    db = app_state(request)["db"]
    position_id = parse_id(values.get("position_id", ""))
    offer = None
    if position_id is not None:
        candidate_id = parse_id(values.get("candidate_id", ""))
        picked = parse_id(values.get("plan_round_id", ""))
        offer = await round_offer.chosen(db, candidate_id, position_id, picked)
        if picked is not None and offer.plan_round is None:
            # An interview booked as a round since taken off the plan keeps it when edited.
            removed = await get_round(db, picked)
            if removed is not None and removed.position_id == position_id:
                label = translate(request, REMOVED_ROUND, name=removed.name)
                options = [*round_options(request, offer), (str(removed.id), label)]
                return {"offer": offer, "round_options": options, "round_room": None}
    plan_round = None if offer is None else offer.plan_round
    return {
        "offer": offer,
        "round_options": round_options(request, offer),
        "round_room": None if plan_round is None else room_label(request, plan_round.room_kind),
    }


def round_options(request: Request, offer: RoundOffer | None) -> list[tuple[str, str]]:
    """The plan's rounds as (value, label) for a select; HR's panel on the candidate page too."""
    if offer is None:
        return []
    return [
        (
            str(r.id),
            translate(
                request,
                N_("Round %(round)s · %(name)s · %(minutes)s min"),
                round=number,
                name=r.name,
                minutes=r.duration_minutes,
            ),
        )
        for number, r in enumerate(offer.plan, start=1)
    ]


def room_label(request: Request, kind: str) -> str:
    try:
        return translate(request, ROOM_KIND_LABELS[RoomKind(kind)])
    except (KeyError, ValueError):
        return kind


async def refresh(request: Request) -> Response:
    """GET /interviews/round-offer: the round block for the form as it stands.

    `picked=1` comes from the plan round select: HR chose that round (or none). Otherwise
    the candidate or position changed and the next round is offered. The defaults go into
    the form only when the plan round changes.
    """
    db = app_state(request)["db"]
    query = request.query_params
    candidate_id, position_id = await known_ids(
        db, query.get("candidate_id", ""), query.get("position_id", "")
    )
    previous = parse_id(query.get("plan_round_id", ""))
    values = {
        "candidate_id": "" if candidate_id is None else str(candidate_id),
        "position_id": "" if position_id is None else str(position_id),
        "plan_round_id": query.get("plan_round_id", ""),
        "round": query.get("round", ""),
        "room_kind": "",
        "room_paper_uid": "",
        "duration": "",
    }
    changed = False
    if position_id is not None:
        if query.get("picked") == "1":
            offer = await round_offer.chosen(db, candidate_id, position_id, previous)
            changed = True
        else:
            offer = await round_offer.offer(db, candidate_id, position_id)
            changed = (offer.plan_round.id if offer.plan_round else None) != previous
        if changed:
            apply_defaults(values, offer)
    elif values["plan_round_id"]:
        values["plan_round_id"] = ""
    changed_round = changed and bool(values["plan_round_id"])
    context = await block_context(request, values)
    context |= {"values": values, "errors": {}, "oob": changed_round}
    if changed_round:
        context |= await choices(request, values)
    return render(request, "interviews/_round_block.html", context)


async def with_round_defaults(db: Database, form: FormData) -> FormData:
    """Without JS the plan round select still posts: a duration or round number left empty
    is the chosen round's."""
    plan_round_id = parse_id(str(form.get("plan_round_id") or ""))
    position_id = parse_id(str(form.get("position_id") or ""))
    if plan_round_id is None or position_id is None:
        return form
    missing = [name for name in ("duration", "round") if not str(form.get(name) or "").strip()]
    if not missing:
        return form
    offer = await round_offer.chosen(db, None, position_id, plan_round_id)
    if offer.plan_round is None:
        return form  # not a round of this position: check_references refuses it
    filled = {"duration": str(offer.plan_round.duration_minutes), "round": str(offer.number)}
    items = [(k, v) for k, v in form.multi_items() if k not in missing]
    return FormData([*items, *((name, filled[name]) for name in missing)])


async def panel_warning(request: Request, form: FormData, chosen: int) -> str | None:
    """A soft warning when the panel is smaller than the plan round wants (never a refusal)."""
    plan_round_id = parse_id(str(form.get("plan_round_id") or ""))
    position_id = parse_id(str(form.get("position_id") or ""))
    if plan_round_id is None or position_id is None or chosen == 0:
        return None
    plan_round = await round_offer.round_of(app_state(request)["db"], position_id, plan_round_id)
    if plan_round is None or chosen >= plan_round.panel_size:
        return None
    return translate(request, PANEL_SHORT, wanted=plan_round.panel_size, chosen=chosen)
