"""The candidate's answers: status, history, audit and outbox in one go; CSRF, session, limits."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from portal.db.tables import candidates, interview_interviewers, reschedule_requests
from tests.candidate.support import (
    audit_actions,
    interview_row,
    outbox_kinds,
    rows,
    status_history,
    utcnow,
)
from tests.factories import Booked, World, force_no_creator
from tests.support.html import attr, one, soup

EN = {"Accept-Language": "en"}
HX = EN | {"HX-Request": "true"}


async def open_page(client: httpx.AsyncClient, booked: Booked, **params: str) -> str:
    """Open the link (binding this session to it); returns the page's CSRF token."""
    response = await client.get(booked.path, params=params, headers=EN)
    assert response.status_code == 200
    return attr(one(soup(response), "input[name=csrf_token]"), "value")


async def post(
    client: httpx.AsyncClient, booked: Booked, action: str, token: str, **data: str
) -> httpx.Response:
    return await client.post(
        f"{booked.path}/{action}", data=data, headers=HX | {"X-CSRF-Token": token}
    )


def windows(days: int = 5) -> dict[str, str]:
    day = (utcnow() + timedelta(days=days)).date().isoformat()
    return {
        "timezone": "Europe/London",
        "window1_date": day,
        "window1_start": "09:00",
        "window1_end": "10:00",
        "window2_date": day,
        "window2_start": "14:00",
        "window2_end": "15:30",
        "message": "I have an exam that morning.",
    }


async def test_confirm_sets_status_history_audit_and_tells_hr(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview()
    token = await open_page(client, booked, tz="Europe/London")
    response = await post(client, booked, "confirm", token)
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("#candidate-notice") is not None
    assert one(page, "#candidate-status").get_text() == "Confirmed"
    assert page.select_one("#confirm-button") is None
    row = await interview_row(world.db, booked.interview_id)
    assert row["status"] == "confirmed" and row["version"] == 2
    assert await status_history(world.db, booked.interview_id) == [("confirmed", "candidate")]
    assert "candidate_confirmed" in await audit_actions(world.db)
    assert await outbox_kinds(world.db, booked.interview_id) == [("candidate_confirmed", "liuyang")]
    saved = await rows(world.db, candidates, id=world.candidate_id)
    assert saved[0]["timezone"] == "Europe/London"


async def test_confirm_plain_form_post_redirects_back(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview()
    token = await open_page(client, booked)
    response = await client.post(f"{booked.path}/confirm", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == booked.path
    saved = await rows(world.db, candidates, id=world.candidate_id)
    assert saved[0]["timezone"] is None  # no zone came from the browser


async def test_confirm_twice_is_refused_with_the_reason(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview()
    token = await open_page(client, booked)
    await post(client, booked, "confirm", token)
    again = await post(client, booked, "confirm", token)
    assert again.status_code == 409 and "already confirmed" in again.text
    assert len(await outbox_kinds(world.db, booked.interview_id)) == 1


async def test_action_without_csrf_token_is_403(client: httpx.AsyncClient, world: World) -> None:
    booked = await world.interview()
    await open_page(client, booked)
    response = await client.post(f"{booked.path}/confirm", headers=HX)
    assert response.status_code == 403
    assert (await interview_row(world.db, booked.interview_id))["status"] == "scheduled"


async def test_action_from_session_not_bound_to_link_is_403(
    client: httpx.AsyncClient, world: World
) -> None:
    first, second = await world.interview(), await world.interview(starts_in=timedelta(days=3))
    token = await open_page(client, first)
    response = await post(client, second, "confirm", token)  # valid CSRF, other link
    assert response.status_code == 403 and "open your interview link again" in response.text
    assert (await interview_row(world.db, second.interview_id))["status"] == "scheduled"


async def test_check_in_before_window_is_refused(client: httpx.AsyncClient, world: World) -> None:
    booked = await world.interview()
    page = await client.get(booked.path, headers=EN)
    assert "Check-in opens 15 minutes before the start." in page.text
    token = await open_page(client, booked)
    response = await post(client, booked, "checkin", token)
    assert response.status_code == 409
    assert (await interview_row(world.db, booked.interview_id))["status"] == "scheduled"


async def test_check_in_within_window_tells_hr_and_panel(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview(starts_in=timedelta(minutes=10))
    token = await open_page(client, booked)
    response = await post(client, booked, "checkin", token)
    assert response.status_code == 200
    assert (await interview_row(world.db, booked.interview_id))["status"] == "checked_in"
    assert sorted(await outbox_kinds(world.db, booked.interview_id)) == [
        ("candidate_arrived", "lina"),
        ("candidate_arrived", "zhangwei"),
        ("candidate_checked_in", "liuyang"),
    ]
    assert "candidate_checked_in" in await audit_actions(world.db)


async def test_cancel_frees_panel_and_tells_everyone(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview()
    token = await open_page(client, booked)
    response = await post(client, booked, "cancel", token, reason="I took another offer.")
    page = soup(response)
    assert response.status_code == 200 and page.select_one("#cancelled-note") is not None
    assert page.select_one("#actions") is None
    row = await interview_row(world.db, booked.interview_id)
    assert row["status"] == "cancelled" and row["cancel_reason"] == "I took another offer."
    assert sorted(await outbox_kinds(world.db, booked.interview_id)) == [
        ("cancelled", "lina"),
        ("cancelled", "zhangwei"),
        ("candidate_cancelled", "liuyang"),
    ]
    panel = await rows(world.db, interview_interviewers, interview_id=booked.interview_id)
    assert [member["holds_slot"] for member in panel] == [False, False]
    assert "candidate_cancelled" in await audit_actions(world.db)


async def test_cancel_after_cutoff_explains_whom_to_contact(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview(starts_in=timedelta(hours=5))
    page = soup(await client.get(booked.path, headers=EN))
    note = one(page, "#cancel-note").get_text()
    assert "until 24 hours before the start" in note and "Your recruiter is 刘洋." in note
    assert page.select_one("#cancel-button") is None
    token = await open_page(client, booked)
    response = await post(client, booked, "cancel", token)
    assert response.status_code == 409
    assert (await interview_row(world.db, booked.interview_id))["status"] == "scheduled"


async def test_cancel_reason_too_long_is_422(client: httpx.AsyncClient, world: World) -> None:
    booked = await world.interview()
    token = await open_page(client, booked)
    response = await post(client, booked, "cancel", token, reason="x" * 1001)
    assert response.status_code == 422


async def test_reschedule_request_is_stored_and_sent_to_hr(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview()
    token = await open_page(client, booked)
    response = await post(client, booked, "reschedule", token, **windows())
    page = soup(response)
    assert response.status_code == 200
    assert len(page.select("#request-sent li")) == 2
    stored = await rows(world.db, reschedule_requests, interview_id=booked.interview_id)
    assert len(stored) == 1 and stored[0]["timezone"] == "Europe/London"
    assert stored[0]["message"] == "I have an exam that morning."
    assert stored[0]["windows"][0]["starts_at"].endswith("+00:00")
    assert await outbox_kinds(world.db, booked.interview_id) == [
        ("candidate_reschedule_request", "liuyang")
    ]
    assert (await interview_row(world.db, booked.interview_id))["status"] == "scheduled"
    again = soup(await client.get(booked.path, headers=EN))
    assert again.select_one("#request-sent") is not None


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"timezone": "Europe/London"}, "windows"),
        (windows(days=-2), "window1"),
    ],
)
async def test_reschedule_invalid_form_is_422_with_errors(
    client: httpx.AsyncClient, world: World, form: dict[str, str], field: str
) -> None:
    booked = await world.interview()
    token = await open_page(client, booked)
    response = await post(client, booked, "reschedule", token, **form)
    page = soup(response)
    assert response.status_code == 422
    assert page.select_one("#reschedule[open] .field-error") is not None
    assert await rows(world.db, reschedule_requests) == []


async def test_reschedule_requests_limited_per_day(client: httpx.AsyncClient, world: World) -> None:
    booked = await world.interview()
    token = await open_page(client, booked)
    for _ in range(3):
        assert (await post(client, booked, "reschedule", token, **windows())).status_code == 200
    refused = await post(client, booked, "reschedule", token, **windows())
    assert refused.status_code == 429 and "already sent several requests" in refused.text
    assert len(await rows(world.db, reschedule_requests)) == 3


async def test_actions_limited_per_link(client: httpx.AsyncClient, world: World) -> None:
    booked = await world.interview()
    token = await open_page(client, booked)
    statuses = [(await post(client, booked, "confirm", token)).status_code for _ in range(11)]
    assert statuses[0] == 200 and set(statuses[1:10]) == {409} and statuses[10] == 429
    other = await world.interview(starts_in=timedelta(days=3))
    token = await open_page(client, other)
    assert (await post(client, other, "confirm", token)).status_code == 200  # per link


async def test_hr_recipients_fall_back_to_every_active_hr(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview()
    await force_no_creator(world.db, booked.interview_id)
    token = await open_page(client, booked)
    await post(client, booked, "confirm", token)
    assert sorted(await outbox_kinds(world.db, booked.interview_id)) == [
        ("candidate_confirmed", "liuyang"),
        ("candidate_confirmed", "zhaolei"),
    ]
