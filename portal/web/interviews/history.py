"""An interview's history as its page shows it: who did what, in the viewer's language.

Times stay datetimes here; the template formats them in the viewer's zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.requests import Request

from portal.db.history import HistoryEntry
from portal.i18n import N_
from portal.scheduling import STATUS_LABELS, Status
from portal.scheduling.rooms import PLATFORM_STATUS_LABELS, ROOM_LABELS
from portal.scheduling.rsvp import rsvp_reason_text
from portal.web.core.rendering import translate

WHAT = {
    "time": N_("Time changed"),
    "panel": N_("Interviewers changed"),
    "reschedule_request": N_("Candidate asked for another time"),
}
RSVP_WHAT = {"accepted": N_("Accepted the invitation"), "declined": N_("Declined the invitation")}
# What the edit form changed, by column.
FIELD_LABELS = {
    "candidate_id": N_("candidate"),
    "position_id": N_("position"),
    "round": N_("round"),
    "room_url": N_("meeting link"),
    "location": N_("location"),
    "notes": N_("notes for interviewers"),
    "candidate_prep": N_("what the candidate should prepare"),
    "hide_interviewers": N_("interviewer names shown to the candidate"),
    "room_kind": N_("interview room"),
    "room_paper_uid": N_("question paper"),
    "plan_round_id": N_("plan round"),
}


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    who: str
    what: str
    note: str | None = None
    times: tuple[datetime, ...] = ()  # old start, old end, new start, new end
    windows: list[tuple[datetime, datetime]] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def who(request: Request, entry: HistoryEntry) -> str:
    """The actor by name: staff by their name, the candidate as "Candidate <name>"."""
    if entry.actor_kind == "platform":
        return translate(request, N_("Interview platform"))
    if entry.actor_kind == "system":
        return translate(request, N_("System"))
    if entry.actor_kind == "candidate":
        label = translate(request, N_("Candidate"))
        return f"{label} {entry.actor_name}" if entry.actor_name else label
    return entry.actor_name or translate(request, N_("Someone who has left"))


def _what(request: Request, entry: HistoryEntry) -> str:
    detail = entry.detail
    if entry.kind == "status" and entry.to_status in Status.__members__.values():
        return translate(request, STATUS_LABELS[Status(entry.to_status or "")])
    if entry.kind == "rsvp":
        return translate(request, RSVP_WHAT.get(str(detail.get("rsvp")), N_("Replied")))
    if entry.kind == "room":
        return translate(request, ROOM_LABELS.get(str(detail.get("state")), N_("Room changed")))
    if entry.kind == "platform":
        event = str(detail.get("event"))
        return translate(request, PLATFORM_STATUS_LABELS.get(event, N_("Room changed")))
    if entry.kind == "edited":
        fields = [translate(request, FIELD_LABELS.get(name, name)) for name in detail["fields"]]
        return translate(request, N_("Details changed: %(fields)s"), fields=", ".join(fields))
    return translate(request, WHAT.get(entry.kind, N_("Changed")))


def _note(request: Request, entry: HistoryEntry) -> str | None:
    detail = entry.detail
    if entry.kind == "rsvp":
        return reason_text(request, detail.get("reason"))
    if entry.kind == "room":
        return detail.get("error")
    if entry.kind == "platform" and detail.get("rating"):
        return translate(request, N_("Rating %(rating)s / 5"), rating=detail["rating"])
    return entry.note


def reason_text(request: Request, stored: Any) -> str | None:
    """A decline reason as stored: a code in the viewer's words, else the text typed."""
    if not stored:
        return None
    return rsvp_reason_text(str(stored), lambda message: translate(request, message))


def _times(entry: HistoryEntry) -> tuple[datetime, ...]:
    if entry.kind != "time":
        return ()
    parts = [*entry.detail.get("from", []), *entry.detail.get("to", [])]
    return tuple(datetime.fromisoformat(part) for part in parts)


def _windows(entry: HistoryEntry) -> list[tuple[datetime, datetime]]:
    if entry.kind != "reschedule_request":
        return []
    return [
        (datetime.fromisoformat(w["starts_at"]), datetime.fromisoformat(w["ends_at"]))
        for w in entry.detail.get("windows", [])
    ]


def history_lines(request: Request, entries: list[HistoryEntry]) -> list[HistoryLine]:
    return [
        HistoryLine(
            at=entry.created_at,
            who=who(request, entry),
            what=_what(request, entry),
            note=_note(request, entry),
            times=_times(entry),
            windows=_windows(entry),
            added=list(entry.detail.get("added", [])) if entry.kind == "panel" else [],
            removed=list(entry.detail.get("removed", [])) if entry.kind == "panel" else [],
        )
        for entry in entries
    ]
