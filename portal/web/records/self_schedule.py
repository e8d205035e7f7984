"""HR's "choose your time" invitations on the candidate page (issue 16): send, list, withdraw.

The panel is one swappable partial: its form (position, plan round, panel, length, days,
notice) and the candidate's invitations with their links. Changing the position or the round
re-renders it (htmx) with that round's defaults; a plain form still posts, and a length or
panel size left empty is then the round's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.db.candidates import Candidate, get_candidate
from portal.db.database import Database
from portal.db.interviewers import interviewer_profiles
from portal.db.plans import PoolMember
from portal.db.positions import list_positions
from portal.db.self_schedules import (
    SelfSchedule,
    candidate_self_schedules,
    choose_mail_status,
    get_self_schedule,
)
from portal.errors import NotFound
from portal.i18n import N_
from portal.interviews import round_offer
from portal.interviews.round_offer import RoundOffer
from portal.scheduling import ActorKind, ValidationFailed
from portal.scheduling.fields import BAD_CHOICE, parse_id
from portal.scheduling.self_schedule import validate_self_schedule
from portal.share import choosing
from portal.share.signing import candidate_url
from portal.web.core.access import require_actor
from portal.web.core.forms import booking_policy, error_texts, picked_ids
from portal.web.core.htmx import HtmxDetails
from portal.web.core.rendering import render, translate
from portal.web.core.state import app_state, current_time
from portal.web.interviews.round_block import round_options

FIELDS = ("position_id", "plan_round_id", "panel_size", "duration", "days", "min_notice_hours")
DEFAULTS = {"days": "5", "min_notice_hours": "24"}
STATES = {
    "open": N_("Waiting for the candidate"),
    "booked": N_("Booked"),
    "withdrawn": N_("Withdrawn"),
    "expired": N_("The link expired"),
}
SENT = N_("The invitation is ready.")
MAILED = N_("The candidate was emailed the link.")
# The "choose your time" email as the outbox has it.
MAIL_STATES = {
    "none": N_("Not emailed"),
    "pending": N_("Email queued"),
    "sending": N_("Email queued"),
    "sent": N_("Emailed"),
    "dead": N_("Email failed"),
    "cancelled": N_("Email not sent"),
}
NO_MAIL = N_("Email is not set up: copy the link and send it yourself.")
WITHDRAWN = N_("The invitation was withdrawn: its link no longer works.")


@dataclass(frozen=True)
class InvitationView:
    """One invitation as the list shows it."""

    schedule: SelfSchedule
    state: str  # open, booked, withdrawn, expired
    state_label: str
    mail: str  # a msgid: whether, and how far, the "choose your time" email went
    link_url: str | None  # the candidate's link, while it works
    interview_url: str | None
    withdraw_url: str | None


def _candidate_id(request: Request) -> int:
    value = request.path_params["candidate_id"]
    assert isinstance(value, int)
    return value


async def _candidate(db: Database, candidate_id: int) -> Candidate:
    candidate = await get_candidate(db, candidate_id)
    if candidate is None:
        raise NotFound()
    return candidate


async def _offer(db: Database, candidate_id: int, values: dict[str, str]) -> RoundOffer | None:
    position_id = parse_id(values.get("position_id", ""))
    if position_id is None:
        return None
    picked = parse_id(values.get("plan_round_id", ""))
    return await round_offer.chosen(db, candidate_id, position_id, picked)


def _round_defaults(values: dict[str, str], offer: RoundOffer | None) -> None:
    """The chosen round's panel size and length (1 and 60 minutes without one)."""
    plan_round = None if offer is None else offer.plan_round
    values["panel_size"] = str(plan_round.panel_size if plan_round else 1)
    values["duration"] = str(plan_round.duration_minutes if plan_round else 60)


async def _start_values(db: Database, candidate_id: int) -> dict[str, str]:
    """A fresh form: the first open position, the candidate's next round there, defaults."""
    values = dict.fromkeys(FIELDS, "") | DEFAULTS
    positions = await list_positions(db, active_only=True)
    if positions:
        offer = await round_offer.offer(db, candidate_id, positions[0].id)
        values["position_id"] = str(positions[0].id)
        values["plan_round_id"] = "" if offer.plan_round is None else str(offer.plan_round.id)
        _round_defaults(values, offer)
    else:
        _round_defaults(values, None)
    return values


async def _invitations(request: Request, candidate_id: int) -> list[InvitationView]:
    state, now = app_state(request), current_time(request)
    db, settings = state["db"], state["settings"]
    schedules = await candidate_self_schedules(db, candidate_id)
    mails = await choose_mail_status(db, [schedule.id for schedule in schedules])
    views = []
    for schedule in schedules:
        shown, url = schedule.state, None
        if shown == "open":
            link = await choosing.choice_link(db, schedule.id)
            if link is not None and link.is_usable(now):
                secret = str(settings.secret_key)
                url = candidate_url(settings.base_url, link.id, secret, now=now)
            else:
                shown = "expired"
        views.append(
            InvitationView(
                schedule=schedule,
                state=shown,
                state_label=translate(request, STATES[shown]),
                mail=MAIL_STATES[mails.get(schedule.id, "none")],
                link_url=url,
                interview_url=None
                if schedule.interview_id is None
                else request.url_for("interviews:detail", interview_id=schedule.interview_id).path,
                withdraw_url=None
                if schedule.state != "open"
                else request.url_for(
                    "records:self_schedule_withdraw",
                    candidate_id=candidate_id,
                    schedule_id=schedule.id,
                ).path,
            )
        )
    return views


async def section(
    request: Request,
    candidate_id: int,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    picked: list[int] | None = None,
    notice: str | None = None,
) -> dict[str, Any]:
    """What the candidate page's "choose a time" panel shows."""
    db = app_state(request)["db"]
    candidate = await _candidate(db, candidate_id)
    values = values if values is not None else await _start_values(db, candidate_id)
    offer = await _offer(db, candidate_id, values)
    pool: tuple[PoolMember, ...] = () if offer is None else offer.pool
    return {
        "candidate_id": candidate_id,
        "candidate_name": candidate.name,
        "action": request.url_for("records:self_schedule_send", candidate_id=candidate_id).path,
        "refresh_url": request.url_for("records:self_schedule", candidate_id=candidate_id).path,
        "positions": await list_positions(db, active_only=True),
        "round_options": round_options(request, offer),
        "pool": pool,
        "fields": values,
        "picked": await interviewer_profiles(db, picked or []),
        "errors": errors or {},
        "has_address": bool((candidate.email or "").strip()),
        "mail": booking_policy(request).candidate_mail,
        "invitations": await _invitations(request, candidate_id),
        "notice": notice,
    }


async def _panel(request: Request, candidate_id: int, status: int = 200, **kw: Any) -> Response:
    context = {"self_schedule": await section(request, candidate_id, **kw)}
    response = render(
        request,
        "records/self_schedule.html",
        context,
        fragment="records/_self_schedule.html",
        status=status,
    )
    response.headers["Cache-Control"] = "no-store"  # the panel holds working links
    return response


async def show(request: Request) -> Response:
    """The panel; `changed=position|round` (the selects) brings that choice's defaults."""
    candidate_id, query = _candidate_id(request), request.query_params
    db = app_state(request)["db"]
    if not any(name in query for name in FIELDS):
        return await _panel(request, candidate_id)
    values = {name: str(query.get(name) or "").strip() for name in FIELDS}
    changed = query.get("changed")
    if changed == "position":
        position_id = parse_id(values["position_id"])
        values["plan_round_id"] = ""
        if position_id is not None:
            offer = await round_offer.offer(db, candidate_id, position_id)
            values["plan_round_id"] = "" if offer.plan_round is None else str(offer.plan_round.id)
    if changed in ("position", "round"):
        _round_defaults(values, await _offer(db, candidate_id, values))
    picked = picked_ids(query.getlist("interviewer_ids"))
    return await _panel(request, candidate_id, values=values, picked=picked)


def _filled(form: FormData, offer: RoundOffer | None) -> FormData:
    """Without JS: a length or panel size left empty is the chosen round's."""
    missing = {name for name in ("duration", "panel_size") if not str(form.get(name) or "").strip()}
    if not missing:
        return form
    defaults: dict[str, str] = {}
    _round_defaults(defaults, offer)
    items = [(k, v) for k, v in form.multi_items() if k not in missing]
    return FormData([*items, *((n, defaults[n]) for n in missing)])


async def send(request: Request) -> Response:
    state, candidate_id = app_state(request), _candidate_id(request)
    db, form = state["db"], await request.form()
    values = {name: str(form.get(name) or "").strip() for name in FIELDS}
    picked = picked_ids(form.getlist("interviewer_ids"))
    try:
        position_id = parse_id(values["position_id"])
        if position_id not in {p.id for p in await list_positions(db, active_only=True)}:
            raise ValidationFailed({"position_id": BAD_CHOICE}, {})
        assert position_id is not None
        offer = await _offer(db, candidate_id, values)
        form = _filled(form, offer)
        chosen = offer is not None and offer.plan_round is not None
        draft = validate_self_schedule(
            form,
            candidate_id=candidate_id,
            position_id=position_id,
            pool_size=len(offer.pool) if offer is not None and chosen else 0,
        )
        sent = await choosing.invite(
            db,
            draft,
            actor=await require_actor(request, ActorKind.HR),
            now=current_time(request),
            policy=booking_policy(request),
        )
    except ValidationFailed as exc:
        errors = error_texts(request, exc)
        return await _panel(request, candidate_id, 422, values=values, errors=errors, picked=picked)
    return await _after(request, candidate_id, MAILED if sent.mailed else SENT)


async def withdraw(request: Request) -> Response:
    candidate_id, db = _candidate_id(request), app_state(request)["db"]
    schedule = await get_self_schedule(db, request.path_params["schedule_id"])
    if schedule is None or schedule.candidate_id != candidate_id:
        raise NotFound()
    done = await choosing.withdraw(
        db,
        schedule.id,
        actor=await require_actor(request, ActorKind.HR),
        now=current_time(request),
    )
    if done:
        return await _after(request, candidate_id, WITHDRAWN)
    now_state = await get_self_schedule(db, schedule.id)
    booked = now_state is not None and now_state.state == "booked"
    return await _after(request, candidate_id, choosing.AlreadyChosen.message if booked else None)


async def _after(request: Request, candidate_id: int, notice: str | None) -> Response:
    """htmx swaps the panel in place; a plain form goes back to the candidate's page."""
    if HtmxDetails.of(request).request:
        text = None if notice is None else translate(request, notice)
        return await _panel(request, candidate_id, notice=text)
    url = request.url_for("records:candidate_edit", candidate_id=candidate_id).path
    return RedirectResponse(url + "#self-schedule", status_code=303)
