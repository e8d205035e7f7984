"""In-memory sandbox state: rooms and their links, state changes, faults, webhooks, stats.

Everything runs on one event loop and no method awaits, so each call is atomic. A room's
status moves forward only: never opened (None) -> interview_opened -> interview_started ->
interview_ended; each change records its time and sends the matching webhook.
"""

from __future__ import annotations

import secrets
import string
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from ..models import ENDED, OPENED, STARTED, TECHNICAL
from .config import PlatformSandboxConfig
from .faults import WEBHOOK, FaultBook
from .webhooks import Delivery, WebhookSender

CANDIDATE, OBSERVER, INTERVIEWER = "candidate", "observer", "interviewer"
UID_ALPHABET = string.ascii_uppercase + string.digits
UID_LENGTH = 8
_RANK: dict[str | None, int] = {None: 0, OPENED: 1, STARTED: 2, ENDED: 3}
# Why a state change was refused, in English (the room page shows its own labels).
REFUSALS = {
    "already_started": "the interview has already started",
    "already_ended": "the interview has already ended",
    "not_started": "the interview has not started yet",
}

LinkMaker = Callable[[str], str]


class EventRefused(ValueError):
    """A state change the room's current status does not allow; `code` keys REFUSALS."""

    def __init__(self, code: str) -> None:
        super().__init__(REFUSALS[code])
        self.code = code


@dataclass(frozen=True)
class SeatSpec:
    """A validated interviewer from a create or PATCH body."""

    uid: str
    name: str
    email: str | None = None
    phone: str | None = None


@dataclass
class RoomSpec:
    """A validated room to create (from POST interviews or one batch entry)."""

    candidate_name: str
    seats: Sequence[SeatSpec] = ()
    type_id: int = TECHNICAL
    creator_id: int | None = None
    written_pad_uid: str | None = None
    resume_link: str | None = None
    evaluation_link: str | None = None
    redirect_uri: str | None = None
    candidate_uid: str | None = None


@dataclass
class Seat:
    """One interviewer's personal link; a removed interviewer's link is `revoked`."""

    uid: str
    name: str
    email: str | None
    phone: str | None
    token: str
    url: str
    revoked: bool = False

    def api_json(self) -> dict[str, Any]:
        return {"uid": self.uid, "name": self.name, "interviewer_url": self.url}

    def control_json(self) -> dict[str, Any]:
        return {
            **self.api_json(),
            "email": self.email,
            "phone": self.phone,
            "revoked": self.revoked,
        }


@dataclass
class Room:
    """A room as the platform keeps it."""

    uid: str
    seq: int
    spec: RoomSpec
    created_time: int
    candidate_token: str
    candidate_url: str
    shared_token: str
    interviewer_url: str
    seats: list[Seat] = field(default_factory=list)
    removed: list[Seat] = field(default_factory=list)
    status: str | None = None
    rate: int | None = None
    opened_time: int | None = None
    started_time: int | None = None
    ended_time: int | None = None

    def api_json(self) -> dict[str, Any]:
        """The room as the API answers it (create, PATCH, list items)."""
        spec = self.spec
        return {
            "uid": self.uid,
            "candidate_url": self.candidate_url,
            "interviewer_url": self.interviewer_url,
            "interviewer_urls": [s.api_json() for s in self.seats],
            "candidate_name": spec.candidate_name,
            "type_id": spec.type_id,
            "status": self.status,
            "rate": self.rate,
            "redirect_uri": spec.redirect_uri,
            "evaluation_link": spec.evaluation_link,
            "resume_link": spec.resume_link,
            "created_time": self.created_time,
            "opened_time": self.opened_time,
            "started_time": self.started_time,
            "ended_time": self.ended_time,
        }

    def control_json(self) -> dict[str, Any]:
        """Everything, removed interviewers' revoked links included."""
        return {
            **self.api_json(),
            "interviewer_urls": [s.control_json() for s in (*self.seats, *self.removed)],
            "creator_id": self.spec.creator_id,
            "written_pad_uid": self.spec.written_pad_uid,
            "candidate_uid": self.spec.candidate_uid,
        }

    def seat_for(self, token: str) -> Seat | None:
        """The seat (active or removed) this personal-link token belongs to."""
        return next((s for s in (*self.seats, *self.removed) if s.token == token), None)


@dataclass(frozen=True)
class Link:
    """What a room token opens: the candidate's view, the shared view, or one seat."""

    room_uid: str
    role: str


@dataclass(frozen=True)
class RoomFilter:
    """The list API's filters; times are unix seconds, both ends included."""

    search: str | None = None
    creator_id: int | None = None
    statuses: tuple[str, ...] = ()
    created_start: int | None = None
    created_end: int | None = None

    def matches(self, room: Room) -> bool:
        name = room.spec.candidate_name.casefold()
        return (
            (not self.search or self.search.casefold() in name)
            and (self.creator_id is None or room.spec.creator_id == self.creator_id)
            and (not self.statuses or room.status in self.statuses)
            and (self.created_start is None or room.created_time >= self.created_start)
            and (self.created_end is None or room.created_time <= self.created_end)
        )


def check_event(room: Room, event: str, *, forced: bool) -> None:
    """Raise EventRefused unless `event` may happen now.

    The room page moves one step at a time; the control API (`forced`) may skip steps or
    repeat the current one (to resend a webhook), but never goes back.
    """
    current, target = _RANK[room.status], _RANK[event]
    if target < current or (target == current and not forced):
        raise EventRefused("already_ended" if room.status == ENDED else "already_started")
    if event == ENDED and room.status != STARTED and not forced:
        raise EventRefused("not_started")


def apply_event(room: Room, event: str, rate: int | None, now: int) -> None:
    """Move the room to `event`'s status, filling in the times of skipped steps."""
    room.status = event
    room.opened_time = room.opened_time or now
    if event in (STARTED, ENDED):
        room.started_time = room.started_time or now
    if event == ENDED:
        room.ended_time = now
        room.rate = rate


class SandboxState:
    """All mutable sandbox state; `reset()` returns to an empty team."""

    def __init__(self, config: PlatformSandboxConfig, clock: Callable[[], float]) -> None:
        self.config = config
        self._clock = clock
        self.sender = WebhookSender(config, clock)
        self.reset()

    def reset(self) -> None:
        """Forget rooms, faults, deliveries and stats; keep the configuration."""
        self.sender.reset()
        self.rooms: dict[str, Room] = {}
        self.links: dict[str, Link] = {}
        self.faults = FaultBook()
        self.calls: Counter[str] = Counter()
        self.counters: Counter[str] = Counter()
        self.webhook_url_override: str | None = None

    def now(self) -> int:
        """The sandbox clock in unix seconds."""
        return int(self._clock())

    @property
    def webhook_url(self) -> str | None:
        """Where webhooks go (control override, else the config)."""
        return self.webhook_url_override or self.config.webhook_url

    def _token(self, link: Link) -> str:
        token = secrets.token_urlsafe(24)
        self.links[token] = link
        return token

    def _new_uid(self) -> str:
        while True:
            uid = "".join(secrets.choice(UID_ALPHABET) for _ in range(UID_LENGTH))
            if uid not in self.rooms:
                return uid

    def _seat(self, room_uid: str, spec: SeatSpec, make_link: LinkMaker) -> Seat:
        token = self._token(Link(room_uid, INTERVIEWER))
        return Seat(spec.uid, spec.name, spec.email, spec.phone, token, make_link(token))

    def create_room(self, spec: RoomSpec, make_link: LinkMaker) -> Room:
        """Create a room with fresh, unguessable links built by `make_link(token)`."""
        uid = self._new_uid()
        candidate = self._token(Link(uid, CANDIDATE))
        shared = self._token(Link(uid, OBSERVER))
        room = Room(
            uid=uid,
            seq=len(self.rooms) + 1,
            spec=spec,
            created_time=self.now(),
            candidate_token=candidate,
            candidate_url=make_link(candidate),
            shared_token=shared,
            interviewer_url=make_link(shared),
        )
        room.seats = [self._seat(uid, s, make_link) for s in spec.seats]
        self.rooms[uid] = room
        return room

    def replace_seats(self, room: Room, seats: Sequence[SeatSpec], make_link: LinkMaker) -> None:
        """New interviewer list: those who stay keep their links, removed ones are revoked."""
        staying = {s.uid: s for s in room.seats}
        chosen = []
        for spec in seats:
            seat = staying.pop(spec.uid, None) or self._seat(room.uid, spec, make_link)
            seat.name, seat.email, seat.phone = spec.name, spec.email, spec.phone
            chosen.append(seat)
        for gone in staying.values():
            gone.revoked = True
            room.removed.append(gone)
        room.seats = chosen

    def resolve(self, token: str) -> tuple[Room, Link] | None:
        """The room and role a link token opens (revoked seats included)."""
        link = self.links.get(token)
        return None if link is None else (self.rooms[link.room_uid], link)

    def list_rooms(self, room_filter: RoomFilter) -> list[Room]:
        """The matching rooms, newest first."""
        chosen = [r for r in self.rooms.values() if room_filter.matches(r)]
        return sorted(chosen, key=lambda r: (r.created_time, r.seq), reverse=True)

    def fire(self, room: Room, event: str, rate: int | None = None, *, forced: bool) -> Delivery:
        """Apply a state change and send its webhook (dropped if a webhook fault fires)."""
        check_event(room, event, forced=forced)
        apply_event(room, event, rate, self.now())
        drop = self.faults.pick(WEBHOOK) is not None
        return self.sender.send(event, room.uid, rate=rate, url=self.webhook_url, drop=drop)

    def stats(self) -> dict[str, Any]:
        """Call counts per endpoint and the webhook counters."""
        deliveries = self.sender.deliveries
        return {
            "calls": dict(self.calls),
            "faults_applied": self.counters["faults_applied"],
            "rooms": len(self.rooms),
            "webhooks": len(deliveries),
            "webhooks_sent": self.sender.posts,
            "webhooks_delivered": sum(d.delivered for d in deliveries),
            "webhooks_dropped": sum(d.dropped for d in deliveries),
        }


def sandbox_of(request: Request) -> SandboxState:
    """The SandboxState behind this request."""
    state = request.app.state.platform_sandbox
    if not isinstance(state, SandboxState):
        raise RuntimeError("request is not served by a platform sandbox app")
    return state


def path_for(request: Request, name: str, **params: Any) -> str:
    """A URL path for a sandbox route that also works when mounted under a prefix."""
    # request.url_for would build from the outermost app's root path; a mounted sandbox
    # resolves its own route names and prepends the mount's root_path itself.
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return root + str(request.app.router.url_path_for(name, **params))
