from __future__ import annotations

from datetime import datetime, timedelta

import httpx

from portal.db.interviews import InterviewDetail, get_detail
from portal.interviews import service
from portal.scheduling import Recommendation, Scorecard, Status
from tests.conftest import Auth
from tests.factories import PANEL, World
from tests.interviews.web import EN, HTMX, post
from tests.support.html import attr, one, soup
from tests.support.when import NOW

SOON = NOW + timedelta(minutes=10)  # startable now: the early window is 15 minutes


async def _book(world: World, starts_at: datetime = SOON, panel: tuple[str, ...] = PANEL) -> int:
    draft = world.draft(starts_at, panel=panel)
    return (await service.create(world.db, world.hub, draft, actor=world.hr("liuyang"), now=NOW)).id


async def test_mine_lists_only_my_interviews_by_section(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    today = await _book(world)
    upcoming = await _book(world, NOW + timedelta(days=2))
    await _book(world, NOW + timedelta(hours=4), panel=("sunhao",))
    page = soup(await client.get("/mine", headers=EN))
    sections = page.select("section.mine-section")
    assert [one(s, "h2").get_text() for s in sections] == ["Today", "Upcoming", "Past"]
    assert [a["id"] for a in sections[0].select("a.interview-card")] == [f"mine-{today}"]
    assert [a["id"] for a in sections[1].select("a.interview-card")] == [f"mine-{upcoming}"]
    card = one(sections[0], "a.interview-card")
    assert "10:10" in one(card, ".when").get_text()  # in Lina's zone (Shanghai)


async def test_mine_detail_of_someone_elses_interview_is_404(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    theirs = await _book(world, panel=("sunhao",))
    assert (await client.get(f"/mine/{theirs}")).status_code == 404
    assert (await client.get(f"/interviews/{theirs}")).status_code == 403


async def test_mine_detail_shows_room_status_and_buttons(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    interview_id = await _book(world)
    page = soup(await client.get(f"/mine/{interview_id}", headers=EN))
    # The room is reached through the portal's join redirect, which checks the panel.
    join = one(page, "a.room-join")
    assert attr(join, "href") == f"/mine/{interview_id}/join"
    entered = await client.get(attr(join, "href"))
    assert entered.status_code == 303
    assert entered.headers["location"] == "https://meet.example.com/r/1"
    assert entered.headers["cache-control"] == "no-store"
    panel = one(page, f"#interview-status-{interview_id}")
    buttons = [b.get_text() for b in panel.select("button")]
    assert buttons == ["Start interview"]  # a no-show only once the start has passed
    assert one(page, f"#rsvp-{interview_id} .badge").get_text() == "No reply yet"


async def test_accept_then_decline_needs_reason_and_hr_sees_it(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    interview_id = await _book(world)
    token = await interviewer.csrf_token()
    url = f"/mine/{interview_id}/rsvp"
    accepted = await post(client, token, url, {"response": "accept"}, **HTMX)
    assert one(soup(accepted), f"#rsvp-{interview_id} .badge").get_text() == "Accepted"
    refused = await post(client, token, url, {"response": "decline", "reason": ""}, **HTMX)
    assert refused.status_code == 422
    assert one(soup(refused), "#reason-error").get_text() == "Please give a reason for declining."
    declined = await post(client, token, url, {"response": "decline", "reason": "Sick"})
    assert declined.status_code == 303
    detail = await _hr_view(world, interview_id)
    lina = detail.member(world["lina"].id)
    assert lina is not None and lina.rsvp_reason == "Sick"


async def test_start_and_finish_swap_the_status_panel(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    interview_id = await _book(world)
    token = await interviewer.csrf_token()
    url = f"/mine/{interview_id}/status"
    started = soup(await post(client, token, url, {"target": "in_progress"}, **HTMX))
    assert one(started, ".badge").get_text() == "In progress"
    assert [b.get_text() for b in started.select("button")] == ["Finish interview"]
    finished = soup(await post(client, token, url, {"target": "completed"}, **HTMX))
    assert one(finished, ".badge").get_text() == "Completed"
    refused = await post(client, token, url, {"target": "in_progress"}, **HTMX)
    assert refused.status_code == 409
    assert "This interview is closed and can no longer change." in refused.text
    assert (await post(client, token, url, {"target": "bogus"})).status_code == 400


async def test_interviewer_cannot_use_hr_status_route(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    interview_id = await _book(world)
    token = await interviewer.csrf_token()
    response = await post(
        client, token, f"/interviews/{interview_id}/status", {"target": "confirmed"}
    )
    assert response.status_code == 403


async def test_feedback_draft_submit_and_others_revealed_after(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    interview_id = await _book(world)
    card = Scorecard(4, Recommendation.STRONG_YES, "Sharp", None, None, submit=True)
    await service.save_feedback(
        world.db,
        world.hub,
        interview_id=interview_id,
        person_id=world["zhangwei"].id,
        card=card,
        now=SOON,
    )
    token = await interviewer.csrf_token()
    url = f"/mine/{interview_id}/feedback"
    page = soup(await client.get(f"/mine/{interview_id}", headers=EN))
    assert page.select(f"#feedback-{interview_id} article.scorecard") == []
    incomplete = await post(client, token, url, {"action": "submit", "strengths": "Kind"}, **HTMX)
    assert incomplete.status_code == 422
    assert soup(incomplete).select_one("#rating-error") is not None
    assert one(soup(incomplete), "textarea[name=strengths]").get_text() == "Kind"
    draft = soup(await post(client, token, url, {"action": "draft", "rating": "3"}, **HTMX))
    assert one(draft, "input[name=rating][value='3']").has_attr("checked")
    submitted = soup(
        await post(
            client, token, url, {"action": "submit", "rating": "3", "recommendation": "yes"}, **HTMX
        )
    )
    names = [h.get_text() for h in submitted.select("article.scorecard h3")]
    assert names == ["李娜", "张伟"]
    assert submitted.select_one("form#scorecard") is None
    locked = await post(client, token, url, {"action": "draft", "rating": "1"}, **HTMX)
    assert locked.status_code == 422
    assert "submitted and can no longer be changed" in locked.text


async def _hr_view(world: World, interview_id: int) -> InterviewDetail:
    detail = await get_detail(world.db, interview_id)
    assert detail is not None
    return detail


async def test_status_change_by_service_is_history_on_hr_page(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    interview_id = await _book(world)
    await service.change_status(
        world.db,
        world.hub,
        interview_id=interview_id,
        target=Status.IN_PROGRESS,
        actor=world.interviewer("lina"),
        now=SOON,
    )
    page = soup(await client.get(f"/interviews/{interview_id}", headers=EN))
    history = [li.get_text() for li in page.select("ol.history li")]
    assert "In progress" in history[-1] and "李娜" in history[-1]
