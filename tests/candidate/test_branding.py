"""The candidate's pages and calendar file are the company's: its name, no staff portal title,
no staff sign-in link, account or navigation (PORTAL_COMPANY_NAME is set in this module)."""

from __future__ import annotations

import httpx
import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar

from portal.db import share_links
from portal.settings import Settings, load_settings
from tests.candidate.support import utcnow
from tests.conftest import Auth, SettingsFactory, environ_for
from tests.factories import World
from tests.support.html import one, soup, text

COMPANY = "示例科技 Example Tech"
STAFF_TITLES = ("Interview Portal", "面试官门户")


@pytest.fixture
def settings(make_settings: SettingsFactory, db_url: str) -> Settings:
    return make_settings(db_url, PORTAL_COMPANY_NAME=COMPANY)


def assert_candidate_chrome(page: BeautifulSoup) -> None:
    """The header and footer of a candidate page: the company, never the staff portal."""
    assert text(page, "header .brand") == COMPANY
    assert page.select("header a[href^='/login'], footer a[href^='/login']") == []
    assert page.select_one("a[href='/login']") is None
    assert page.select_one("#account-name") is None and page.select(".topnav a") == []
    for title in STAFF_TITLES:
        assert title not in page.get_text()


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_candidate_page_carries_company_name_and_no_staff_sign_in(
    client: httpx.AsyncClient, world: World, language: str
) -> None:
    booked = await world.interview()
    response = await client.get(booked.path, headers={"Accept-Language": language})
    page = soup(response)
    assert_candidate_chrome(page)
    assert COMPANY in text(page, "title")
    assert text(page, ".candidate-company") == COMPANY


async def test_candidate_page_opened_by_signed_in_hr_still_shows_no_staff_chrome(
    client: httpx.AsyncClient, world: World, hr: Auth
) -> None:
    booked = await world.interview()
    assert_candidate_chrome(soup(await client.get(booked.path)))


async def test_candidate_dead_and_bad_link_pages_carry_company_name(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview()
    assert_candidate_chrome(soup(await client.get("/c/not-a-token")))
    await share_links.revoke(world.db, interview_id=booked.interview_id, at=utcnow())
    gone = await client.get(booked.path)
    assert gone.status_code == 410
    assert_candidate_chrome(soup(gone))


async def test_candidate_room_page_carries_company_name(
    client: httpx.AsyncClient, world: World
) -> None:
    booked = await world.interview()
    refused = await client.get(f"{booked.path}/join")  # the room opens later
    assert refused.status_code == 403
    assert_candidate_chrome(soup(refused))


async def test_calendar_file_carries_company_name(client: httpx.AsyncClient, world: World) -> None:
    booked = await world.interview()
    response = await client.get(f"{booked.path}/calendar.ics", headers={"Accept-Language": "en"})
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == f"Interview: Backend Engineer, round 2 ({COMPANY})"
    body = response.content.decode()
    for title in STAFF_TITLES:
        assert title not in body


async def test_staff_pages_keep_portal_title_and_sign_in(client: httpx.AsyncClient) -> None:
    page = soup(await client.get("/login", headers={"Accept-Language": "en"}))
    assert text(page, "header .brand") == "Interview Portal"
    assert one(page, "header a[href='/login']") is not None


def test_demo_names_a_company_unless_configured() -> None:
    assert load_settings({}, env_file=None, demo=True).company_name == COMPANY
    named = load_settings({"PORTAL_COMPANY_NAME": "Acme"}, env_file=None, demo=True)
    assert named.company_name == "Acme"
    assert load_settings(environ_for("sqlite:///x.db"), env_file=None).company_name == ""
