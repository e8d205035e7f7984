"""The candidate's picker pages: choose a time, lose a race, move it within the policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from babel.dates import format_time
from bs4 import BeautifulSoup

from portal.clock import FrozenClock
from portal.db import self_schedules
from portal.db.tables import candidates, interviews, share_links
from portal.db.tables import self_schedules as schedule_table
from portal.interviews.checks import BookingPolicy
from portal.scheduling.self_schedule import SelfScheduleDraft
from portal.scheduling.timezones import utc_to_local
from portal.settings import Settings
from portal.share import choosing
from portal.share.signing import sign_candidate_link
from tests.candidate.support import rows
from tests.factories import World, add_candidate
from tests.support.html import attr, one, soup, text
from tests.support.keys import TEST_SECRET_KEY
from tests.support.when import NOW

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}
BERLIN = "Europe/Berlin"


@dataclass(frozen=True)
class Invited:
    schedule_id: int
    link_id: int
    token: str

    @property
    def path(self) -> str:
        return f"/c/{self.token}"


async def invite(world: World, *, candidate_id: int | None = None, days: int = 5) -> Invited:
    draft = SelfScheduleDraft(
        candidate_id=candidate_id or world.candidate_id,
        position_id=world.position_id,
        plan_round_id=None,
        duration=timedelta(minutes=60),
        panel_size=1,
        interviewer_ids=(world["zhangwei"].id,),
        days=days,
        min_notice=timedelta(hours=24),
    )
    sent = await choosing.invite(
        world.db, draft, actor=world.hr("liuyang"), now=NOW, policy=BookingPolicy()
    )
    token = sign_candidate_link(sent.link_id, TEST_SECRET_KEY, now=NOW)
    return Invited(sent.schedule_id, sent.link_id, token)


def starts(page: BeautifulSoup) -> list[str]:
    return [attr(button, "value") for button in page.select("button[name=starts_at]")]


def csrf(page: BeautifulSoup) -> str:
    return attr(one(page, "input[name=csrf_token]"), "value")


async def opened(client: httpx.AsyncClient, path: str, **params: str) -> BeautifulSoup:
    response = await client.get(path, params=params, headers=EN)
    assert response.status_code == 200, response.text
    return soup(response)


async def choose(client: httpx.AsyncClient, invited: Invited, start: str, token: str) -> str:
    """Pick `start`; returns where the portal sent the browser."""
    response = await client.post(
        f"{invited.path}/pick", data={"starts_at": start, "csrf_token": token}, headers=EN
    )
    assert response.status_code == 303, response.text
    return response.headers["location"]


async def test_picker_lists_open_starts_in_the_browser_zone(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    invited = await invite(world)
    page = await opened(client, invited.path, tz=BERLIN)
    schedule = await self_schedules.get_self_schedule(world.db, invited.schedule_id)
    assert schedule is not None
    expected = await choosing.choice_slots(
        world.db, schedule, zone=BERLIN, now=NOW, policy=BookingPolicy.from_settings(settings)
    )
    assert expected
    assert text(page, "h1") == "Backend Engineer"
    assert text(page, "#picker-heading") == "Choose a time for your interview"
    assert "60 minutes" in text(page, "#duration")
    assert "Europe/Berlin" in text(page, "#zone-note")
    assert starts(page) == [o.slot.starts_at.astimezone(UTC).isoformat() for o in expected]
    labels = [b.get_text().strip() for b in page.select("button[name=starts_at]")]
    assert labels == [utc_to_local(o.slot.starts_at, BERLIN).strftime("%H:%M") for o in expected]
    local_days = {utc_to_local(o.slot.starts_at, BERLIN).date() for o in expected}
    assert len(page.select(".picker-day")) == len(local_days)
    assert all(form.select_one("input[name=csrf_token]") for form in page.select("#picker form"))
    # The zone script's reload: the fragment alone.
    part = soup(
        await client.get(invited.path, params={"tz": BERLIN}, headers=EN | {"HX-Request": "true"})
    )
    assert part.html is None and starts(part) == starts(page)


async def test_pick_books_and_the_page_then_shows_the_interview(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    invited = await invite(world)
    page = await opened(client, invited.path, tz=BERLIN)
    chosen = starts(page)[0]
    assert await choose(client, invited, chosen, csrf(page)) == invited.path
    link = (await rows(world.db, share_links, id=invited.link_id))[0]
    assert link["interview_id"] is not None
    booked = (await rows(world.db, interviews, id=link["interview_id"]))[0]
    assert booked["starts_at"].isoformat() == chosen
    # The interview keeps the company's zone; the candidate still sees theirs.
    assert booked["timezone"] == settings.timezone
    # The zone their browser gave is kept on them, so the booked email speaks it.
    candidate = (await rows(world.db, candidates, id=booked["candidate_id"]))[0]
    assert candidate["timezone"] == BERLIN
    after = await opened(client, invited.path)
    assert text(after, "#candidate-notice") == "Your interview is booked."
    assert text(after, "#candidate-status") == "Scheduled"
    shown = format_time(booked["starts_at"], "short", tzinfo=ZoneInfo(BERLIN), locale="en_US")
    assert text(after, "#when-time").startswith(shown)
    assert after.select_one("#move-link") is not None
    again = await opened(client, invited.path)
    assert again.select_one("#candidate-notice") is None  # shown once
    # A second tab picking again lands on the interview.
    assert await choose(client, invited, chosen, csrf(again)) == invited.path


async def test_pick_over_htmx_is_told_where_to_go(client: httpx.AsyncClient, world: World) -> None:
    invited = await invite(world)
    page = await opened(client, invited.path)
    response = await client.post(
        f"{invited.path}/pick",
        data={"starts_at": starts(page)[0]},
        headers=EN | {"HX-Request": "true", "X-CSRF-Token": csrf(page)},
    )
    assert response.status_code == 204 and response.headers["HX-Redirect"] == invited.path


async def test_pick_of_a_taken_time_gets_409_and_the_times_still_open(
    client: httpx.AsyncClient, world: World
) -> None:
    invited = await invite(world)
    page = await opened(client, invited.path)
    taken = starts(page)[0]
    other = await invite(world, candidate_id=await add_candidate(world.db, "李雷"))
    rival = await choosing.open_choice(world.db, other.token, secret=TEST_SECRET_KEY, now=NOW)
    await choosing.pick(
        world.db, world.hub, rival, starts_at=datetime.fromisoformat(taken),
        zone="Asia/Shanghai", now=NOW, policy=BookingPolicy(),
    )  # fmt: skip
    response = await client.post(
        f"{invited.path}/pick", data={"starts_at": taken, "csrf_token": csrf(page)}, headers=EN
    )
    assert response.status_code == 409
    refreshed = soup(response)
    assert "That time was just taken" in text(refreshed, "#picker-error")
    assert taken not in starts(refreshed) and starts(refreshed)
    assert (await rows(world.db, share_links, id=invited.link_id))[0]["interview_id"] is None


async def test_pick_from_an_unbound_session_is_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    invited = await invite(world)
    page = await opened(client, invited.path)
    start = starts(page)[0]
    other = await invite(world, candidate_id=await add_candidate(world.db, "李雷"))
    await opened(client, other.path)  # this session now belongs to the other link
    response = await client.post(
        f"{invited.path}/pick", data={"starts_at": start, "csrf_token": csrf(page)}, headers=EN
    )
    assert response.status_code == 403
    assert "open your interview link again" in response.text
    assert (await rows(world.db, share_links, id=invited.link_id))[0]["interview_id"] is None


@pytest.mark.parametrize("value", ["tomorrow", "2030-01-08T10:00:00", ""])
async def test_pick_with_a_bad_start_gets_422_and_the_picker(
    client: httpx.AsyncClient, world: World, value: str
) -> None:
    invited = await invite(world)
    page = await opened(client, invited.path)
    response = await client.post(
        f"{invited.path}/pick", data={"starts_at": value, "csrf_token": csrf(page)}, headers=EN
    )
    assert response.status_code == 422
    refused = soup(response)
    assert text(refused, "#picker-error") == "Please choose one of the times shown."
    assert starts(refused) == starts(page)


async def test_withdrawn_invitation_gets_the_gone_page(
    client: httpx.AsyncClient, world: World
) -> None:
    invited = await invite(world)
    assert await choosing.withdraw(
        world.db, invited.schedule_id, actor=world.hr("liuyang"), now=NOW
    )
    response = await client.get(invited.path, headers=EN)
    assert response.status_code == 410
    assert "no longer valid" in response.text and "starts_at" not in response.text


async def test_no_open_times_says_so(client: httpx.AsyncClient, world: World) -> None:
    invited = await invite(world, days=3)
    await world.db.execute(
        schedule_table.update()
        .where(schedule_table.c.id == invited.schedule_id)
        .values(interviewer_ids=[])
    )
    page = await opened(client, invited.path)
    assert starts(page) == []
    assert text(page, "#no-times") == (
        "There are no open times in the next 3 working days. Please contact your recruiter."
    )


async def test_picker_speaks_chinese_by_default_and_keeps_the_language(
    client: httpx.AsyncClient, world: World
) -> None:
    invited = await invite(world)
    page = soup(await client.get(invited.path))
    assert attr(one(page, "html"), "lang") == "zh-CN"
    assert text(page, "#picker-heading") == "选择您的面试时间"
    saved = await rows(world.db, candidates, id=world.candidate_id)
    assert saved[0]["language"] == "zh"
    english = await opened(client, invited.path)
    assert text(english, "#picker-heading") == "Choose a time for your interview"
    saved = await rows(world.db, candidates, id=world.candidate_id)
    assert saved[0]["language"] == "en"


async def booked_by_pick(client: httpx.AsyncClient, world: World) -> tuple[Invited, int]:
    invited = await invite(world)
    page = await opened(client, invited.path)
    await choose(client, invited, starts(page)[0], csrf(page))
    link = (await rows(world.db, share_links, id=invited.link_id))[0]
    return invited, link["interview_id"]


async def test_move_within_policy_books_another_start(
    client: httpx.AsyncClient, world: World
) -> None:
    invited, interview_id = await booked_by_pick(client, world)
    before = (await rows(world.db, interviews, id=interview_id))[0]
    page = await opened(client, invited.path)
    assert attr(one(page, "#move-link"), "href") == f"{invited.path}/move"
    picker = await opened(client, f"{invited.path}/move")
    assert text(picker, "#picker-heading") == "Choose another time"
    assert picker.select_one("#picker-current") is not None
    offered = starts(picker)
    assert offered and before["starts_at"].isoformat() not in offered
    response = await client.post(
        f"{invited.path}/move", data={"starts_at": offered[-1], "csrf_token": csrf(picker)}
    )
    assert response.status_code == 303 and response.headers["location"] == invited.path
    after = (await rows(world.db, interviews, id=interview_id))[0]
    assert after["starts_at"].isoformat() == offered[-1]
    schedule = await self_schedules.get_self_schedule(world.db, invited.schedule_id)
    assert schedule is not None and schedule.moves == 1
    shown = await opened(client, invited.path)
    assert text(shown, "#candidate-notice") == "Your interview has moved."


async def test_move_after_the_last_allowed_move_is_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    invited, interview_id = await booked_by_pick(client, world)
    picker = await opened(client, f"{invited.path}/move")
    start = starts(picker)[-1]
    for _ in range(2):
        await self_schedules.count_move(world.db, invited.schedule_id)
    page = await opened(client, invited.path)
    assert page.select_one("#move-link") is None
    assert "already moved" in text(page, "#move-note")
    assert page.select_one("#reschedule-button") is not None  # the request stays
    response = await client.post(
        f"{invited.path}/move", data={"starts_at": start, "csrf_token": csrf(picker)}, headers=EN
    )
    assert response.status_code == 409
    assert "already moved this interview" in text(soup(response), "#picker-error")
    assert starts(soup(response)) == []
    after = (await rows(world.db, interviews, id=interview_id))[0]
    assert after["starts_at"].isoformat() != start


async def test_move_close_to_the_start_is_refused(
    client: httpx.AsyncClient, world: World, clock: FrozenClock
) -> None:
    invited, interview_id = await booked_by_pick(client, world)
    booked = (await rows(world.db, interviews, id=interview_id))[0]
    clock.set(booked["starts_at"] - timedelta(hours=3))
    page = await opened(client, invited.path)
    assert page.select_one("#move-link") is None
    assert "24 hours before the start" in text(page, "#move-note")
    picker = await opened(client, f"{invited.path}/move")
    assert "24 hours before the start" in text(picker, "#picker-error")
    assert starts(picker) == []


async def test_move_of_an_interview_hr_booked_is_not_offered(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview()
    page = await opened(client, booked.path)
    assert page.select_one("#move-link") is None and page.select_one("#move-note") is None
    saved = await rows(world.db, candidates, id=world.candidate_id)
    assert saved[0]["language"] == "en"  # the interview page keeps the language too
    assert (await client.get(f"{booked.path}/move", headers=EN)).status_code == 404


async def test_move_to_a_time_taken_meanwhile_gets_409_and_a_fresh_list(
    client: httpx.AsyncClient, world: World
) -> None:
    invited, _ = await booked_by_pick(client, world)
    picker = await opened(client, f"{invited.path}/move")
    taken = starts(picker)[-1]
    other = await invite(world, candidate_id=await add_candidate(world.db, "李雷"))
    rival = await choosing.open_choice(world.db, other.token, secret=TEST_SECRET_KEY, now=NOW)
    await choosing.pick(
        world.db, world.hub, rival, starts_at=datetime.fromisoformat(taken),
        zone="Asia/Shanghai", now=NOW, policy=BookingPolicy(),
    )  # fmt: skip
    response = await client.post(
        f"{invited.path}/move", data={"starts_at": taken, "csrf_token": csrf(picker)}, headers=EN
    )
    assert response.status_code == 409
    refreshed = soup(response)
    assert "That time was just taken" in text(refreshed, "#picker-error")
    assert taken not in starts(refreshed) and starts(refreshed)
    schedule = await self_schedules.get_self_schedule(world.db, invited.schedule_id)
    assert schedule is not None and schedule.moves == 0
