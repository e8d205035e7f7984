"""HR's "choose your time" panel on the candidate page (issue 16): send, list, withdraw."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest
import sqlalchemy as sa

from portal.db.candidates import CandidateFields, search_candidates, update_candidate
from portal.db.database import Database
from portal.db.plans import insert_round
from portal.db.self_schedules import candidate_self_schedules
from portal.db.share_links import get_link
from portal.db.tables import outbox
from portal.demo_data import seed_demo
from portal.interviews import service
from portal.notifications.kinds import MAIL_CHOOSE
from portal.scheduling.kits import RoundFields
from portal.scheduling.rooms import RoomKind
from portal.settings import Settings
from portal.share import choosing
from portal.share.opening import LinkGone
from portal.share.signing import sign_candidate_link, verify_candidate_link
from tests.conftest import Auth, SettingsFactory
from tests.factories import World
from tests.interviews.web import EN, HTMX, post
from tests.support.html import attr, one, soup, text
from tests.support.keys import TEST_SECRET_KEY
from tests.support.when import NOW

MAIL = {"SMTP_HOST": "mail.example.com", "SMTP_FROM": "portal@example.com"}
TOO_SMALL = {
    "en": "Choose at least as many interviewers as the panel size, or a round.",
    "zh": "请选择不少于面试官人数的面试官，或选择一个轮次。",
}


@pytest.fixture
def settings(
    make_settings: SettingsFactory, db_url: str, request: pytest.FixtureRequest
) -> Settings:
    """`indirect` parametrisation sets extra settings (SMTP) for one test."""
    return make_settings(db_url, **getattr(request, "param", {}))


def url(world: World, tail: str = "") -> str:
    return f"/candidates/{world.candidate_id}/self-schedule{tail}"


def form(world: World, *panel: str, **extra: str) -> dict[str, str | list[str]]:
    fields: dict[str, str | list[str]] = {
        "position_id": str(world.position_id),
        "plan_round_id": "",
        "interviewer_ids": [str(world[userid].id) for userid in panel],
        "panel_size": "1",
        "duration": "60",
        "days": "5",
        "min_notice_hours": "24",
    }
    return fields | extra


async def send(
    client: httpx.AsyncClient, hr: Auth, world: World, *panel: str, **extra: str
) -> httpx.Response:
    token = await hr.csrf_token()
    return await post(client, token, url(world), form(world, *panel, **extra), **HTMX)


async def mail_rows(db: Database) -> list[dict[str, object]]:
    rows = await db.fetch_all(sa.select(outbox).where(outbox.c.kind == MAIL_CHOOSE))
    return [dict(row) for row in rows]


async def test_self_schedule_send_creates_invitation_and_working_link(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    response = await send(client, hr, world, "zhangwei")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    panel = one(soup(response), "#self-schedule")
    [schedule] = await candidate_self_schedules(world.db, world.candidate_id)
    assert schedule.interviewer_ids == (world["zhangwei"].id,) and schedule.state == "open"
    assert schedule.duration.total_seconds() == 3600 and schedule.days == 5
    item = one(panel, f"#self-schedule-{schedule.id}")
    assert attr(item, "data-state") == "open"
    assert text(item, ".self-schedule-state") == "Waiting for the candidate"
    link_url = attr(one(item, f"#ss-link-{schedule.id}"), "value")
    assert link_url.startswith("http") and urlsplit(link_url).path.startswith("/c/")
    token = urlsplit(link_url).path.removeprefix("/c/")
    link_id = verify_candidate_link(token, TEST_SECRET_KEY, now=NOW)
    opened = await choosing.open_choice(world.db, token, secret=TEST_SECRET_KEY, now=NOW)
    assert opened.link.id == link_id and opened.schedule.id == schedule.id
    assert item.select_one("form button.self-schedule-withdraw") is not None


async def test_self_schedule_plain_form_redirects_to_the_candidate_page(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    token = await hr.csrf_token()
    data = form(world, "zhangwei") | {"csrf_token": token}
    response = await client.post(url(world), data=data, headers=EN)
    assert response.status_code == 303
    assert response.headers["location"] == f"/candidates/{world.candidate_id}/edit#self-schedule"
    page = soup(await client.get(f"/candidates/{world.candidate_id}/edit", headers=EN))
    assert len(page.select("#self-schedule-list li[data-state='open']")) == 1
    assert page.select_one("#self-schedule-form select#ss-position") is not None


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_self_schedule_panel_too_small_is_refused_in_the_reader_language(
    client: httpx.AsyncClient, hr: Auth, world: World, language: str
) -> None:
    token = await hr.csrf_token()
    data = form(world, "zhangwei", panel_size="3")
    response = await post(
        client, token, url(world), data, **{"HX-Request": "true", "Accept-Language": language}
    )
    assert response.status_code == 422
    panel = one(soup(response), "#self-schedule")
    assert text(panel, "#ss-interviewer_ids-error") == TOO_SMALL[language]
    assert attr(one(panel, "#ss-panel-size"), "value") == "3"
    assert [c.get("value") for c in panel.select("#picked-interviewers input")] == [
        str(world["zhangwei"].id)
    ]
    assert await candidate_self_schedules(world.db, world.candidate_id) == []


async def test_self_schedule_round_pool_fills_the_panel(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    pool = (world["zhangwei"].id, world["sunhao"].id)
    fields = RoundFields("技术一面", 45, RoomKind.NONE, None, 2, (), (), pool)
    round_id = await insert_round(world.db, world.position_id, fields, now=NOW)
    shown = soup(
        await client.get(
            url(world),
            params={"position_id": str(world.position_id), "plan_round_id": str(round_id),
                    "changed": "round"},
            headers=HTMX,
        )
    )  # fmt: skip
    assert attr(one(shown, "#ss-panel-size"), "value") == "2"
    assert attr(one(shown, "#ss-duration"), "value") == "45"
    assert "张伟" in text(shown, "#self-schedule-pool")
    response = await send(
        client, hr, world, plan_round_id=str(round_id), panel_size="2", duration=""
    )
    assert response.status_code == 200, response.text
    [schedule] = await candidate_self_schedules(world.db, world.candidate_id)
    assert schedule.plan_round_id == round_id and schedule.panel_size == 2
    assert schedule.interviewer_ids == () and schedule.duration.total_seconds() == 45 * 60


async def test_self_schedule_withdraw_revokes_the_link(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    await send(client, hr, world, "zhangwei")
    [schedule] = await candidate_self_schedules(world.db, world.candidate_id)
    link = await choosing.choice_link(world.db, schedule.id)
    assert link is not None
    token = await hr.csrf_token()
    response = await post(client, token, url(world, f"/{schedule.id}/withdraw"), {}, **HTMX)
    assert response.status_code == 200
    item = one(soup(response), f"#self-schedule-{schedule.id}")
    assert attr(item, "data-state") == "withdrawn"
    assert item.select_one("input[readonly]") is None and item.select_one("form") is None
    revoked = await get_link(world.db, link.id)
    assert revoked is not None and revoked.revoked_at is not None
    signed = sign_candidate_link(link.id, TEST_SECRET_KEY, now=NOW)
    with pytest.raises(LinkGone):
        await choosing.open_choice(world.db, signed, secret=TEST_SECRET_KEY, now=NOW)
    assert (await client.get(f"/c/{signed}", headers=EN)).status_code == 410


async def test_self_schedule_withdraw_after_booking_says_so(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    await send(client, hr, world, "zhangwei")
    [schedule] = await candidate_self_schedules(world.db, world.candidate_id)
    link = await choosing.choice_link(world.db, schedule.id)
    assert link is not None
    signed = sign_candidate_link(link.id, TEST_SECRET_KEY, now=NOW)
    opened = await choosing.open_choice(world.db, signed, secret=TEST_SECRET_KEY, now=NOW)
    [first, *_] = await choosing.choice_slots(
        world.db, opened.schedule, zone="Asia/Shanghai", now=NOW, policy=service.DEFAULT_POLICY
    )
    detail = await choosing.pick(
        world.db, world.hub, opened, starts_at=first.slot.starts_at, zone="Asia/Shanghai",
        now=NOW, policy=service.DEFAULT_POLICY,
    )  # fmt: skip
    token = await hr.csrf_token()
    response = await post(client, token, url(world, f"/{schedule.id}/withdraw"), {}, **HTMX)
    assert response.status_code == 200
    panel = one(soup(response), "#self-schedule")
    assert text(panel, "#self-schedule-notice") == "A time is already chosen for this interview."
    item = one(panel, f"#self-schedule-{schedule.id}")
    assert attr(item, "data-state") == "booked"
    assert attr(one(item, "a.self-schedule-interview"), "href") == f"/interviews/{detail.id}"
    unrevoked = await get_link(world.db, link.id)
    assert unrevoked is not None and unrevoked.revoked_at is None


async def test_self_schedule_routes_refuse_interviewers(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    token = await interviewer.csrf_token()
    assert (await client.get(url(world), headers=EN)).status_code == 403
    assert (await post(client, token, url(world), form(world, "lina"))).status_code == 403
    assert (await post(client, token, url(world, "/1/withdraw"), {})).status_code == 403
    assert await candidate_self_schedules(world.db, world.candidate_id) == []


async def test_self_schedule_post_without_csrf_is_refused(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    response = await client.post(url(world), data=form(world, "zhangwei"), headers=EN)
    assert response.status_code == 403
    assert await candidate_self_schedules(world.db, world.candidate_id) == []


@pytest.mark.parametrize("settings", [MAIL], indirect=True)
async def test_self_schedule_mails_a_candidate_with_an_address(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    response = await send(client, hr, world, "zhangwei")
    assert text(soup(response), "#self-schedule-notice") == "The candidate was emailed the link."
    assert text(soup(response), ".self-schedule-mail") == "· Email queued"
    [schedule] = await candidate_self_schedules(world.db, world.candidate_id)
    [row] = await mail_rows(world.db)
    assert row["recipient"] == "xm@example.com" and row["interview_id"] is None


@pytest.mark.parametrize("settings", [MAIL], indirect=True)
async def test_self_schedule_without_an_address_asks_hr_to_send_the_link(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    fields = CandidateFields("王小明", None, None)
    await update_candidate(world.db, world.candidate_id, fields, now=NOW)
    response = await send(client, hr, world, "zhangwei")
    panel = one(soup(response), "#self-schedule")
    assert text(panel, "#self-schedule-notice") == "The invitation is ready."
    assert "copy the link and send it yourself" in text(panel, "#self-schedule-no-address")
    assert text(panel, ".self-schedule-mail") == "· Not emailed"
    assert await mail_rows(world.db) == []


async def test_seed_demo_leaves_one_waiting_invitation(world: World) -> None:
    await seed_demo(world.db, NOW + timedelta(hours=3), zone="Asia/Shanghai")
    [candidate] = await search_candidates(world.db, query="钱晨")
    [schedule] = await candidate_self_schedules(world.db, candidate.id)
    assert schedule.state == "open" and schedule.round_name == "技术一面"
    assert schedule.interviewer_ids == () and schedule.panel_size == 2
    assert await choosing.choice_link(world.db, schedule.id) is not None


async def test_self_schedule_panel_page_without_htmx_is_a_full_page(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    response = await client.get(url(world), headers=EN)
    assert response.status_code == 200
    page = soup(response)
    assert text(page, "h1") == "王小明"
    assert attr(one(page, "#ss-position option[selected]"), "value") == str(world.position_id)
    assert attr(one(page, "#ss-days"), "value") == "5"
    assert attr(one(page, "#ss-notice"), "value") == "24"
    assert page.select_one("script[src*='/js/copy-link.']") is not None
    assert (await client.get("/candidates/999/self-schedule", headers=EN)).status_code == 404
