from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa

from portal.clock import FrozenClock
from portal.db.interviews import get_detail
from portal.db.tables import audit_log
from portal.interviews import service
from portal.scheduling import Status
from tests.conftest import Auth
from tests.factories import PANEL, World
from tests.interviews.web import EN, HTMX, interview_form, post
from tests.support.html import attr, one, soup
from tests.support.when import NOW, local_day

TODAY_NOON = NOW + timedelta(hours=2)  # 12:00 in Shanghai
# New York's 2027 transitions are the subject of the DST tests: they run at a fixed moment
# before them (a Monday, 10:00 in Shanghai).
BEFORE_DST_2027 = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)


async def _book(
    world: World, starts_at: datetime = TODAY_NOON, *, panel: tuple[str, ...] = PANEL
) -> int:
    draft = world.draft(starts_at, panel=panel)
    detail = await service.create(world.db, world.hub, draft, actor=world.hr("liuyang"), now=NOW)
    return detail.id


async def test_board_full_page_lists_today_in_time_order(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    later = await _book(world, TODAY_NOON + timedelta(hours=3), panel=("sunhao",))
    first = await _book(world)
    await _book(world, TODAY_NOON + timedelta(days=1), panel=("sunhao",))
    page = soup(await client.get("/board", headers=EN))
    rows = page.select("table.board tbody tr[id]")
    assert [row["id"] for row in rows] == [f"interview-{first}", f"interview-{later}"]
    assert page.select_one("#board-live.live-anchor") is not None
    # The board names the panel by their WeCom names, whatever the page's language.
    names = [li.find(string=True) for li in rows[0].select("ul.panel li")]
    assert sorted(str(name).strip() for name in names) == sorted(["张伟", "李娜"])
    assert "Li Na" not in rows[0].get_text()
    assert one(rows[0], ".badge.rsvp-pending").get_text() == "No reply yet"
    assert one(page, ".counts li.total").get_text() == "2 in total"


async def test_board_filter_htmx_returns_fragment_with_whole_day_counts(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    await _book(world)
    mine = await _book(world, TODAY_NOON + timedelta(hours=3), panel=("sunhao",))
    response = await client.get(
        "/board", params={"interviewer": str(world["sunhao"].id)}, headers=HTMX
    )
    fragment = soup(response)
    assert fragment.html is None and "HX-Request" in response.headers["Vary"]
    assert [row["id"] for row in fragment.select("tbody tr[id]")] == [f"interview-{mine}"]
    assert one(fragment, ".counts li.total").get_text() == "2 in total"


async def test_board_is_for_hr_only(client: httpx.AsyncClient, interviewer: Auth) -> None:
    for path in ("/board", "/week", "/interviews/new", "/candidates", "/positions"):
        assert (await client.get(path)).status_code == 403, path


async def test_create_through_form_redirects_to_detail_with_replies(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    token = await hr.csrf_token()
    response = await post(
        client, token, "/interviews", interview_form(world, TODAY_NOON), **{"HX-Request": "true"}
    )
    assert response.status_code == 204, response.text
    location = response.headers["HX-Redirect"]
    page = soup(await client.get(location, headers=EN))
    replies = page.select("table.replies tbody tr")
    assert len(replies) == 2
    assert {one(r, ".badge").get_text() for r in replies} == {"No reply yet"}
    assert one(page, ".status-panel .badge").get_text() == "Scheduled"


async def test_create_overlap_rerenders_form_422_then_override_books(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    await _book(world, panel=("zhangwei",))
    token = await hr.csrf_token()
    form = interview_form(world, TODAY_NOON + timedelta(minutes=30), panel=("zhangwei", "sunhao"))
    form["candidate_id"], form["candidate_name"] = "", "李雷"
    refused = await post(client, token, "/interviews", form, **{"HX-Request": "true"})
    assert refused.status_code == 422
    fragment = soup(refused)
    assert fragment.select_one("form#interview-form") is not None and fragment.html is None
    blocking = fragment.select("#conflicts li.blocking")
    assert [one(li, "strong").get_text() for li in blocking] == ["张伟 (Zhang Wei)"]
    assert attr(one(fragment, "input[name=candidate_name]"), "value") == "李雷"
    assert len(fragment.select("#picked-interviewers input[checked]")) == 2
    booked = await post(client, token, "/interviews", {**form, "override": "on"})
    assert booked.status_code == 303
    audit = await world.db.fetch_one(
        sa.select(audit_log).where(audit_log.c.action == "booking_override")
    )
    assert audit is not None and audit["actor_id"] == "liuyang"


async def test_check_endpoint_warns_while_typing_and_clears(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    await _book(world, panel=("zhangwei",))
    token = await hr.csrf_token()
    busy = await post(
        client,
        token,
        "/interviews/check",
        interview_form(world, TODAY_NOON),
        **{"HX-Request": "true"},
    )
    assert "This interviewer already has an interview at this time." in soup(busy).get_text()
    free = await post(
        client,
        token,
        "/interviews/check",
        interview_form(world, TODAY_NOON + timedelta(hours=3), panel=("sunhao",), candidate_id=""),
        **{"HX-Request": "true"},
    )
    assert soup(free).select_one(".no-conflicts") is not None


async def test_check_endpoint_reports_a_local_time_that_does_not_exist(
    client: httpx.AsyncClient, hr: Auth, world: World, clock: FrozenClock
) -> None:
    clock.set(BEFORE_DST_2027)
    await hr.login_as("liuyang")  # a session idle since the old "now" has ended
    token = await hr.csrf_token()
    form = interview_form(world, TODAY_NOON, zone="America/New_York")
    form |= {"date": "2027-03-14", "time": "02:30"}
    response = await post(client, token, "/interviews/check", form)
    assert "does not exist in America/New_York" in soup(response).get_text()


@pytest.mark.parametrize(
    ("day", "local_time", "utc_hour"),
    [("2027-03-13", "10:00", 15), ("2027-03-15", "10:00", 14), ("2027-11-07", "01:30", 5)],
)
async def test_create_in_new_york_stores_utc_across_dst(
    client: httpx.AsyncClient,
    hr: Auth,
    world: World,
    clock: FrozenClock,
    day: str,
    local_time: str,
    utc_hour: int,
) -> None:
    clock.set(BEFORE_DST_2027)
    await hr.login_as("liuyang")  # a session idle since the old "now" has ended
    token = await hr.csrf_token()
    form = interview_form(world, TODAY_NOON, zone="America/New_York")
    form |= {"date": day, "time": local_time}
    response = await post(client, token, "/interviews", form)
    assert response.status_code == 303, soup(response).select(".field-error")
    interview_id = int(response.headers["location"].rsplit("/", 1)[1])
    detail = await get_detail(world.db, interview_id)
    assert detail is not None
    assert detail.starts_at.hour == utc_hour and detail.timezone == "America/New_York"
    edit = soup(await client.get(f"/interviews/{interview_id}/edit", headers=EN))
    assert attr(one(edit, "input[name=time]"), "value") == local_time


async def test_create_in_the_spring_gap_is_a_field_error(
    client: httpx.AsyncClient, hr: Auth, world: World, clock: FrozenClock
) -> None:
    clock.set(BEFORE_DST_2027)
    await hr.login_as("liuyang")  # a session idle since the old "now" has ended
    token = await hr.csrf_token()
    form = interview_form(world, TODAY_NOON, zone="America/New_York")
    form |= {"date": "2027-03-14", "time": "02:30"}
    response = await post(client, token, "/interviews", form)
    assert response.status_code == 422
    error = one(soup(response), "#time-error").get_text()
    assert "does not exist in America/New_York" in error and "03:30" in error


async def test_edit_after_someone_else_saved_shows_their_values(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    interview_id = await _book(world)
    form = soup(await client.get(f"/interviews/{interview_id}/edit", headers=EN))
    assert attr(one(form, "input[name=version]"), "value") == "1"
    await service.update(
        world.db,
        world.hub,
        interview_id,
        world.draft(TODAY_NOON, version=1, room_url="https://meet.example.com/r/9"),
        actor=world.hr("zhaolei"),
        now=NOW,
    )
    token = await hr.csrf_token()
    mine = interview_form(world, TODAY_NOON, version="1", room_url="https://meet.example.com/r/me")
    response = await post(
        client, token, f"/interviews/{interview_id}/edit", mine, **{"HX-Request": "true"}
    )
    assert response.status_code == 422
    page = soup(response)
    banner = one(page, "#stale-banner").get_text()
    assert "赵蕾 changed this interview meanwhile" in banner
    assert "https://meet.example.com/r/9" in banner
    assert attr(one(page, "input[name=room_url]"), "value") == "https://meet.example.com/r/me"
    assert attr(one(page, "input[name=version]"), "value") == "2"
    again = await post(
        client,
        token,
        f"/interviews/{interview_id}/edit",
        mine | {"version": "2"},
        **{"HX-Request": "true"},
    )
    assert again.status_code == 204


async def test_cancel_needs_a_reason_then_is_shown(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    interview_id = await _book(world)
    token = await hr.csrf_token()
    url = f"/interviews/{interview_id}/cancel"
    refused = await post(
        client, token, url, {"reason": " ", "version": "1"}, **{"HX-Request": "true"}
    )
    assert refused.status_code == 422
    assert one(soup(refused), "#reason-error").get_text() == "This field is required."
    done = await post(client, token, url, {"reason": "Position filled", "version": "1"})
    assert done.status_code == 303
    page = soup(await client.get(f"/interviews/{interview_id}", headers=EN))
    assert one(page, ".status-panel .badge").get_text() == "Cancelled"
    assert "Position filled" in one(page, ".status-panel").get_text()


async def test_reschedule_form_moves_and_resets_replies(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    interview_id = await _book(world)
    await service.respond(
        world.db,
        world.hub,
        interview_id=interview_id,
        actor=world.interviewer("lina"),
        accept=True,
        reason=None,
        now=NOW,
    )
    token = await hr.csrf_token()
    page = soup(await client.get(f"/interviews/{interview_id}/reschedule", headers=EN))
    selected = one(page, "select[name=timezone] option[selected]")
    assert attr(selected, "value") == "Asia/Shanghai"
    form = {
        "date": local_day(NOW, 2).isoformat(),  # Thursday
        "time": "15:00",
        "duration": "45",
        "timezone": "Asia/Shanghai",
        "reason": "Room clash",
        "version": "1",
    }
    response = await post(client, token, f"/interviews/{interview_id}/reschedule", form)
    assert response.status_code == 303
    detail = soup(await client.get(f"/interviews/{interview_id}", headers=EN))
    assert {b.get_text() for b in detail.select("table.replies .badge")} == {"No reply yet"}


async def test_hr_status_button_htmx_swaps_status_panel(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    interview_id = await _book(world)
    token = await hr.csrf_token()
    response = await post(
        client,
        token,
        f"/interviews/{interview_id}/status",
        {"target": "confirmed"},
        **{"HX-Request": "true"},
    )
    panel = one(soup(response), f"#interview-status-{interview_id}")
    assert one(panel, ".badge").get_text() == "Confirmed"
    refused = await post(
        client,
        token,
        f"/interviews/{interview_id}/status",
        {"target": "completed"},
        **{"HX-Request": "true"},
    )
    assert refused.status_code == 409 and refused.headers["HX-Retarget"] == "#flash"
    assert "Only an interview in progress can be completed." in refused.text
    detail = await get_detail(world.db, interview_id)
    assert detail is not None and detail.status == Status.CONFIRMED
