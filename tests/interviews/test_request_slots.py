"""A reschedule request resolved in one click: free times inside the candidate's windows."""

from __future__ import annotations

from datetime import datetime, time

import httpx

from portal.clock import FrozenClock
from portal.db.history import interview_history
from portal.db.interviews import get_detail
from portal.db.reschedule_requests import Window, add_request, open_reschedule_requests
from portal.db.unavailable import add_block
from portal.interviews.request_slots import slots_in_request
from portal.scheduling import DEFAULT_RULES
from tests.conftest import Auth
from tests.factories import Booked, World, add_interview
from tests.interviews.support import outbox_rows
from tests.support.html import soup
from tests.support.when import days_after

EN = {"Accept-Language": "en"}


def at(clock: FrozenClock, hour: int, minute: int = 0) -> datetime:
    """`hour:minute` in Shanghai on the Monday six days after the frozen Tuesday."""
    return days_after(clock.now(), 6, time(hour, minute))


async def busy_day(world: World, clock: FrozenClock) -> tuple[Booked, int]:
    """The world's interview, lina booked 09:30–10:30 and zhangwei away 12:00–13:00 on the
    Monday, and the candidate's open request for that Monday 09:00–15:00 (London)."""
    booked = await world.interview()
    await add_interview(world.db, panel=["lina"], starts_at=at(clock, 9, 30), now=clock.now())
    await add_block(
        world.db,
        person_id=world["zhangwei"].id,
        starts_at=at(clock, 12),
        ends_at=at(clock, 13),
        note="Dentist",
        now=clock.now(),
    )
    request_id = await add_request(
        world.db,
        interview_id=booked.interview_id,
        link_id=booked.link_id,
        windows=[Window(at(clock, 9), at(clock, 15))],
        timezone="Europe/London",
        message=None,
        now=clock.now(),
    )
    return booked, request_id


async def listed(world: World, clock: FrozenClock, interview_id: int) -> list[datetime]:
    detail = await get_detail(world.db, interview_id)
    request = (await open_reschedule_requests(world.db, [interview_id]))[interview_id]
    assert detail is not None
    found = await slots_in_request(world.db, detail, request, clock.now(), DEFAULT_RULES)
    return [option.slot.starts_at for window in found for option in window.slots]


async def test_only_starts_the_whole_panel_can_take_are_listed(
    world: World, clock: FrozenClock
) -> None:
    booked, _ = await busy_day(world, clock)
    starts = await listed(world, clock, booked.interview_id)
    # lina's 09:30 booking with its 15-minute buffer, then zhangwei's 12:00 block.
    assert starts == [at(clock, 11), at(clock, 13), at(clock, 13, 30), at(clock, 14)]


async def test_the_candidates_other_interview_is_avoided(world: World, clock: FrozenClock) -> None:
    booked, _ = await busy_day(world, clock)
    await add_interview(
        world.db,
        panel=["sunhao"],
        starts_at=at(clock, 13),
        candidate_id=world.candidate_id,
        now=clock.now(),
    )
    assert await listed(world, clock, booked.interview_id) == [at(clock, 11)]


async def test_page_lists_times_and_applying_one_moves_the_interview(
    client: httpx.AsyncClient, hr: Auth, world: World, clock: FrozenClock
) -> None:
    booked, request_id = await busy_day(world, clock)
    iid = booked.interview_id
    page = await client.get(f"/interviews/{iid}/reschedule/slots", headers=EN)
    assert page.status_code == 200
    forms = soup(page).select("#request-slots li.request-slot form")
    offered = [f.select_one("input[name=starts_at]")["value"] for f in forms]  # type: ignore[index]
    assert offered == [
        at(clock, h, m).isoformat() for h, m in ((11, 0), (13, 0), (13, 30), (14, 0))
    ]
    assert "Move here" in page.text and "the whole panel is free" in page.text
    assert "candidate:" in page.text  # London differs from HR's zone

    csrf = await hr.csrf_token()
    response = await client.post(
        f"/interviews/{iid}/reschedule/apply",
        data={
            "csrf_token": csrf,
            "request_id": str(request_id),
            "version": "1",
            "starts_at": offered[1],
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/interviews/{iid}"
    detail = await get_detail(world.db, iid)
    assert detail is not None
    assert detail.starts_at == at(clock, 13) and detail.ends_at == at(clock, 14)
    assert detail.version == 2
    assert await open_reschedule_requests(world.db, [iid]) == {}
    assert any(entry.kind == "time" for entry in await interview_history(world.db, iid))
    for userid in ("zhangwei", "lina"):
        kinds = [r["kind"] for r in await outbox_rows(world.db, recipient=userid)]
        assert "changed" in kinds


async def test_a_time_taken_meanwhile_is_refused_with_a_fresh_list(
    client: httpx.AsyncClient, hr: Auth, world: World, clock: FrozenClock
) -> None:
    booked, request_id = await busy_day(world, clock)
    iid = booked.interview_id
    await add_interview(world.db, panel=["zhangwei"], starts_at=at(clock, 13), now=clock.now())
    csrf = await hr.csrf_token()
    response = await client.post(
        f"/interviews/{iid}/reschedule/apply",
        headers=EN | {"HX-Request": "true"},
        data={
            "csrf_token": csrf,
            "request_id": str(request_id),
            "version": "1",
            "starts_at": at(clock, 13).isoformat(),
        },
    )
    assert response.status_code == 422
    page = soup(response)
    error = page.select_one("#request-slots-error")
    assert error is not None and "took that time" in error.text
    offered = [i["value"] for i in page.select("input[name=starts_at]")]
    assert offered == [at(clock, 11).isoformat()]
    detail = await get_detail(world.db, iid)
    assert detail is not None and detail.version == 1 and detail.starts_at != at(clock, 13)
    assert iid in await open_reschedule_requests(world.db, [iid])


async def test_a_stale_version_is_refused(
    client: httpx.AsyncClient, hr: Auth, world: World, clock: FrozenClock
) -> None:
    booked, request_id = await busy_day(world, clock)
    csrf = await hr.csrf_token()
    response = await client.post(
        f"/interviews/{booked.interview_id}/reschedule/apply",
        headers=EN | {"HX-Request": "true"},
        data={
            "csrf_token": csrf,
            "request_id": str(request_id),
            "version": "7",
            "starts_at": at(clock, 11).isoformat(),
        },
    )
    assert response.status_code == 422
    assert soup(response).select_one("#request-slots-error") is not None
    detail = await get_detail(world.db, booked.interview_id)
    assert detail is not None and detail.version == 1


async def test_a_time_outside_the_windows_is_refused(
    client: httpx.AsyncClient, hr: Auth, world: World, clock: FrozenClock
) -> None:
    booked, request_id = await busy_day(world, clock)
    csrf = await hr.csrf_token()
    response = await client.post(
        f"/interviews/{booked.interview_id}/reschedule/apply",
        headers=EN,
        data={
            "csrf_token": csrf,
            "request_id": str(request_id),
            "version": "1",
            "starts_at": at(clock, 16).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "inside the windows" in response.text
    detail = await get_detail(world.db, booked.interview_id)
    assert detail is not None and detail.version == 1


async def test_no_fitting_time_points_to_the_reschedule_form(
    client: httpx.AsyncClient, hr: Auth, world: World, clock: FrozenClock
) -> None:
    booked = await world.interview()
    await add_block(
        world.db,
        person_id=world["lina"].id,
        starts_at=at(clock, 8),
        ends_at=at(clock, 18),
        note=None,
        now=clock.now(),
    )
    await add_request(
        world.db,
        interview_id=booked.interview_id,
        link_id=booked.link_id,
        windows=[Window(at(clock, 9), at(clock, 12))],
        timezone="Asia/Shanghai",
        message=None,
        now=clock.now(),
    )
    page = await client.get(f"/interviews/{booked.interview_id}/reschedule/slots", headers=EN)
    none = soup(page).select_one("#request-slots-none")
    assert none is not None and "suits the whole panel" in none.text
    link = none.select_one("a")
    assert link is not None and link["href"] == f"/interviews/{booked.interview_id}/reschedule"
    assert soup(page).select("input[name=starts_at]") == []


async def test_the_link_panel_loads_the_times(
    client: httpx.AsyncClient, hr: Auth, world: World, clock: FrozenClock
) -> None:
    booked, _ = await busy_day(world, clock)
    panel = await client.get(
        f"/interviews/{booked.interview_id}/link", headers=EN | {"HX-Request": "true"}
    )
    loader = soup(panel).select_one("#request-slots")
    assert loader is not None
    assert loader["hx-get"] == f"/interviews/{booked.interview_id}/reschedule/slots"


async def test_hr_only(
    client: httpx.AsyncClient, interviewer: Auth, world: World, clock: FrozenClock
) -> None:
    booked, request_id = await busy_day(world, clock)
    iid = booked.interview_id
    assert (await client.get(f"/interviews/{iid}/reschedule/slots")).status_code == 403
    csrf = await interviewer.csrf_token()
    response = await client.post(
        f"/interviews/{iid}/reschedule/apply",
        data={
            "csrf_token": csrf,
            "request_id": str(request_id),
            "version": "1",
            "starts_at": at(clock, 11).isoformat(),
        },
    )
    assert response.status_code == 403
    detail = await get_detail(world.db, iid)
    assert detail is not None and detail.version == 1
