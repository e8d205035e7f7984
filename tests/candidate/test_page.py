"""The candidate's page: what it shows, in which zone and language, and what bad links get."""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from babel.dates import format_time
from bs4 import Tag
from icalendar import Calendar

from portal.db import share_links
from portal.interviews import service
from portal.scheduling import CancelDraft
from portal.share.signing import sign_candidate_link
from tests.candidate.support import interview_row, utcnow
from tests.factories import (
    CANDIDATE_EMAIL,
    CANDIDATE_NAME,
    CANDIDATE_PHONE,
    ROOM,
    World,
    force_link_expired,
)
from tests.support.html import attr, one, soup
from tests.support.keys import TEST_SECRET_KEY

EN = {"Accept-Language": "en"}


def words(page: Tag, selector: str) -> str:
    """The text of the element `selector` finds, its whitespace runs as single spaces."""
    return " ".join(one(page, selector).get_text(" ").split())


async def test_page_shows_interview_in_company_zone_without_browser_report(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview()
    response = await client.get(booked.path, headers=EN)
    page = soup(response)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert words(page, "h1") == "Backend Engineer"
    assert "Round 2" in words(page, ".candidate-summary")
    assert words(page, "#candidate-status") == "Scheduled"
    # Nothing is known yet (the script asks the browser): no claim that the browser failed.
    assert page.select_one("#zone-note") is None and "did not tell us" not in response.text
    assert attr(one(page, "#candidate-page"), "data-zone-source") == "company"
    assert "company's time zone, Asia/Shanghai" in words(page, "noscript")
    assert page.select_one("#company-time") is None
    names = {li.get_text() for li in page.select("#interviewers li")}
    assert names == {"李娜 (Li Na)", "张伟 (Zhang Wei)"}
    assert words(page, "#prep") == "Bring your laptop."
    assert words(page, "#duration") == "60 minutes"
    assert page.select_one("#confirm-button") is not None
    assert attr(one(page, "#candidate-page"), "data-zone") == "Asia/Shanghai"


async def test_page_in_browser_zone_states_it_beside_company_time(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview()
    row = await interview_row(world.db, booked.interview_id)
    fragment = await client.get(
        booked.path, params={"tz": "America/New_York"}, headers=EN | {"HX-Request": "true"}
    )
    part = soup(fragment)
    assert part.html is None and part.select_one("h1") is not None  # the fragment alone
    new_york = ZoneInfo("America/New_York")
    expected = format_time(row["starts_at"], "short", tzinfo=new_york, locale="en_US")
    assert words(part, "#when-time").startswith(" ".join(expected.split()))
    assert "your time zone, America/New_York" in words(part, "#zone-note")
    assert "Company time (Asia/Shanghai)" in words(part, "#company-time")
    # The reported zone sticks to the session: the next full page is already in it.
    again = soup(await client.get(booked.path, headers=EN))
    assert attr(one(again, "#candidate-page"), "data-zone") == "America/New_York"
    assert attr(one(again, "input[name=timezone]"), "value") == "America/New_York"


async def test_page_browser_in_company_zone_says_nothing_about_zones(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview()
    response = await client.get(booked.path, params={"tz": "Asia/Shanghai"}, headers=EN)
    page = soup(response)
    assert page.select_one("#zone-note") is None and page.select_one("#company-time") is None
    assert page.select_one("noscript") is None and "time zone" not in response.text
    assert attr(one(page, "#candidate-page"), "data-zone-source") == "browser"


@pytest.mark.parametrize("reported", ["Mars/Olympus", ""])
async def test_page_unreadable_browser_zone_says_so_and_uses_company(
    client: httpx.AsyncClient, world: World, reported: str
) -> None:
    booked = await world.interview()
    page = soup(await client.get(booked.path, params={"tz": reported}, headers=EN))
    assert "your browser did not tell us yours" in words(page, "#zone-note")
    assert "Asia/Shanghai" in words(page, "#zone-note")
    assert attr(one(page, "#candidate-page"), "data-zone-source") == "unreadable"
    # The next full page remembers it; a later good report replaces it.
    again = soup(await client.get(booked.path, headers=EN))
    assert "did not tell us" in words(again, "#zone-note")
    fixed = soup(await client.get(booked.path, params={"tz": "Asia/Shanghai"}, headers=EN))
    assert fixed.select_one("#zone-note") is None


async def test_page_hidden_interviewers_are_not_named(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview(hide_interviewers=True, prep=None)
    response = await client.get(booked.path, headers=EN)
    assert soup(response).select_one("#interviewers") is None
    assert "Zhang Wei" not in response.text and "李娜" not in response.text


async def test_page_room_link_waits_until_15_minutes_before(
    client: httpx.AsyncClient, world: World
) -> None:
    later = await world.interview()
    page = soup(await client.get(later.path, headers=EN))
    assert page.select_one("#join-link") is None
    assert "becomes active at" in words(page, "#join-note")
    soon = await world.interview(starts_in=timedelta(minutes=10))
    page = soup(await client.get(soon.path, headers=EN))
    join = attr(one(page, "#join-link"), "href")
    assert join == f"{soon.path}/join"
    entered = await client.get(join)
    assert entered.status_code == 303 and entered.headers["location"] == ROOM
    refused = await client.get(f"{later.path}/join", headers=EN)
    assert refused.status_code == 403
    assert "The room opens 15 minutes before the start." in words(soup(refused), "#room-entry")
    assert ROOM not in refused.text
    assert page.select_one("#checkin-button") is not None


async def test_page_default_language_is_chinese_and_switch_works(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview()
    page = soup(await client.get(booked.path))
    assert attr(one(page, "html"), "lang") == "zh-CN"
    token = attr(one(page, "input[name=csrf_token]"), "value")
    switched = await client.post(
        "/language", data={"language": "en", "next": booked.path, "csrf_token": token}
    )
    assert switched.status_code == 303 and switched.headers["location"] == booked.path
    assert attr(one(soup(await client.get(booked.path)), "html"), "lang") == "en"


async def test_page_urls_and_links_carry_no_personal_data(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview()
    page = soup(await client.get(booked.path, headers=EN))
    targets = [
        tag.get("href") or tag.get("action") or tag.get("hx-post")
        for tag in page.select("[href], [action], [hx-post]")
    ]
    joined = " ".join(str(target) for target in targets) + booked.token
    for secret in (CANDIDATE_NAME, CANDIDATE_PHONE, CANDIDATE_EMAIL, "王"):
        assert secret not in joined


@pytest.mark.parametrize("kind", ["tampered", "unknown", "garbage", "other-key"])
async def test_page_bad_token_is_neutral_404(
    client: httpx.AsyncClient, world: World, kind: str
) -> None:
    booked = await world.interview()
    token = {
        "tampered": booked.token[:-3] + ("abc" if not booked.token.endswith("abc") else "xyz"),
        "unknown": sign_candidate_link(9999, TEST_SECRET_KEY, now=utcnow()),
        "garbage": "hello",
        "other-key": sign_candidate_link(booked.link_id, "x" * 40, now=utcnow()),
    }[kind]
    response = await client.get(f"/c/{token}", headers=EN)
    assert response.status_code == 404
    page = soup(response)
    assert page.select_one("#link-invalid") is not None
    assert "Backend Engineer" not in response.text and CANDIDATE_NAME not in response.text
    assert (await client.get(f"/c/{token}/calendar.ics")).status_code == 404


async def test_page_bad_token_htmx_gets_inline_error(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.get("/c/nonsense", headers=EN | {"HX-Request": "true"})
    assert response.status_code == 404 and response.headers["HX-Retarget"] == "#flash"


@pytest.mark.parametrize("how", ["expired", "revoked"])
async def test_page_dead_link_is_410_contact_recruiter(
    client: httpx.AsyncClient, world: World, how: str
) -> None:
    booked = await world.interview()
    past = utcnow() - timedelta(minutes=1)
    if how == "expired":
        await force_link_expired(world.db, booked.link_id, at=past)
    else:
        await share_links.revoke(world.db, interview_id=booked.interview_id, at=past)
    response = await client.get(booked.path, headers=EN)
    assert response.status_code == 410
    assert "contact your recruiter" in words(soup(response), "#link-gone")
    assert "Backend Engineer" not in response.text
    assert (await client.get(f"{booked.path}/calendar.ics")).status_code == 410


async def test_page_regenerated_link_old_token_is_410_new_works(
    client: httpx.AsyncClient, world: World
) -> None:
    from portal.db.share_links import regenerate

    booked = await world.interview()
    new_id = await regenerate(
        world.db, interview_id=booked.interview_id, created_by=None, now=utcnow()
    )
    assert new_id is not None
    assert (await client.get(booked.path, headers=EN)).status_code == 410
    fresh = await client.get(
        f"/c/{sign_candidate_link(new_id, TEST_SECRET_KEY, now=utcnow())}", headers=EN
    )
    assert fresh.status_code == 200


async def test_page_cancelled_interview_says_so_and_offers_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview()
    draft = CancelDraft("The position was filled.", version=1)
    await service.cancel(
        world.db, world.hub, booked.interview_id, draft, actor=world.hr("liuyang"), now=world.now
    )
    response = await client.get(booked.path, headers=EN)
    page = soup(response)
    assert response.status_code == 200
    assert "This interview was cancelled." in words(page, "#cancelled-note")
    assert page.select("form[action^='/c/']") == [] and page.select_one("#actions") is None
    assert page.select_one("#join") is None
    calendar = Calendar.from_ical((await client.get(f"{booked.path}/calendar.ics")).content)
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


async def test_calendar_download_matches_interview(client: httpx.AsyncClient, world: World) -> None:
    booked = await world.interview()
    response = await client.get(f"{booked.path}/calendar.ics", headers=EN)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "attachment" in response.headers["content-disposition"]
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    row = await interview_row(world.db, booked.interview_id)
    assert event.decoded("DTSTART") == row["starts_at"] and event.decoded("DTEND") == row["ends_at"]
    assert str(event["UID"]) == f"interview-{booked.interview_id}@testserver"
    # No PORTAL_COMPANY_NAME here: the summary names no one rather than the staff portal.
    assert str(event["SUMMARY"]) == "Interview: Backend Engineer, round 2"
    assert str(event["URL"]) == ROOM and event.decoded("SEQUENCE") == 0


async def test_no_token_appears_in_any_log_line(
    client: httpx.AsyncClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    booked = await world.interview()
    await share_links.revoke(world.db, interview_id=booked.interview_id, at=utcnow())
    tampered = booked.token[:-2] + "zz"
    for path in (booked.path, f"/c/{tampered}", f"/c/{tampered}/calendar.ics", "/c/hello"):
        await client.get(path)
        await client.post(f"{path}/confirm", data={"csrf_token": "x"})
    # The test client's own httpx logger prints URLs; the portal's loggers must not.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("portal"))
    assert "/c/…" in logged
    assert booked.token not in logged and tampered not in logged
    assert booked.token.split(".")[0] not in logged
