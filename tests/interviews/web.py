"""Helpers for the web tests: the interview form as a browser sends it, and posting it.

HTML is read with `tests.support.html` (`soup`, `one`, `text`, `attr`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import httpx

from portal.scheduling import utc_to_local
from tests.factories import World

HTMX = {"HX-Request": "true", "Accept-Language": "en"}
EN = {"Accept-Language": "en"}


def interview_form(
    world: World,
    starts_at: datetime,
    *,
    panel: tuple[str, ...] = ("zhangwei", "lina"),
    zone: str = "Asia/Shanghai",
    minutes: int = 60,
    **extra: str,
) -> dict[str, str | list[str]]:
    local = utc_to_local(starts_at, zone)
    fields: dict[str, str | list[str]] = {
        "candidate_id": str(world.candidate_id),
        "position_id": str(world.position_id),
        "round": "1",
        "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"),
        "duration": str(minutes),
        "timezone": zone,
        "interviewer_ids": [str(world[userid].id) for userid in panel],
        "room_url": "https://meet.example.com/r/1",
        "notes": "Ask about databases.",
    }
    fields.update(extra)
    return fields


Form = Mapping[str, str | list[str]]


async def post(
    client: httpx.AsyncClient, token: str, url: str, data: Form, **headers: str
) -> httpx.Response:
    return await client.post(url, data=data, headers={"X-CSRF-Token": token, **EN, **headers})
