from __future__ import annotations

from datetime import timedelta

import httpx

from portal.interviews import service
from tests.conftest import Auth
from tests.factories import World
from tests.interviews.web import EN, HTMX, post
from tests.support.html import attr, one, soup
from tests.support.when import NOW, local_day


async def test_candidate_create_edit_and_search(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    token = await hr.csrf_token()
    refused = await post(client, token, "/candidates", {"name": "", "phone": "abc"}, **HTMX)
    assert refused.status_code == 422
    page = soup(refused)
    assert one(page, "#name-error").get_text() == "This field is required."
    assert page.select_one("#phone-error") is not None
    created = await post(
        client, token, "/candidates", {"name": "韩梅梅", "email": "mm@example.com"}, **HTMX
    )
    assert created.status_code == 204 and created.headers["HX-Redirect"] == "/candidates"
    rows = soup(await client.get("/candidates", params={"q": "梅"}, headers=HTMX))
    assert [one(r, "td").get_text() for r in rows.select("tbody tr[id]")] == ["韩梅梅"]
    row_id = attr(one(rows, "tbody tr[id]"), "id").removeprefix("candidate-")
    edit = soup(await client.get(f"/candidates/{row_id}/edit", headers=EN))
    assert attr(one(edit, "input[name=email]"), "value") == "mm@example.com"
    saved = await post(
        client, token, f"/candidates/{row_id}/edit", {"name": "韩梅梅", "phone": "+86 139"}
    )
    assert saved.status_code == 303
    options = soup(
        await client.get("/candidates/options", params={"candidate_q": "韩"}, headers=HTMX)
    )
    assert [o.get_text() for o in options.select("option[value!='']")] == ["韩梅梅 · +86 139"]
    assert (await client.get("/candidates/999/edit")).status_code == 404


async def test_position_create_close_and_leave_the_form(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    token = await hr.csrf_token()
    assert (await post(client, token, "/positions", {"title": ""})).status_code == 422
    assert (
        await post(client, token, "/positions", {"title": "Designer", "active": "on"})
    ).status_code == 303
    page = soup(await client.get("/positions", headers=EN))
    titles = [one(r, "td").get_text() for r in page.select("tbody tr[id]")]
    assert titles == ["Backend Engineer", "Designer"]
    designer = attr(page.select("tbody tr[id]")[1], "id").removeprefix("position-")
    await post(client, token, f"/positions/{designer}/edit", {"title": "Designer"})
    form = soup(await client.get("/interviews/new", headers=EN))
    assert [o.get_text() for o in form.select("select[name=position_id] option[value!='']")] == [
        "Backend Engineer"
    ]


async def test_people_search_and_chip_for_the_picker(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    found = soup(await client.get("/people/search", params={"q": "sun"}, headers=HTMX))
    buttons = found.select("button.person-option")
    assert [b["value"] for b in buttons] == [str(world["sunhao"].id)]
    chip = await client.get(f"/people/{world['sunhao'].id}/chip", headers=HTMX)
    assert chip.headers["HX-Trigger-After-Settle"] == "interviewers-changed"
    chosen = one(soup(chip), "input[name=interviewer_ids]")
    assert attr(chosen, "value") == str(world["sunhao"].id)
    again = await client.get(
        f"/people/{world['sunhao'].id}/chip",
        params={"interviewer_ids": str(world["sunhao"].id)},
        headers=HTMX,
    )
    assert again.status_code == 204
    assert (await client.get("/people/9999/chip")).status_code == 404


async def test_week_grid_and_busy_view_place_interviews(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    draft = world.draft(NOW + timedelta(days=1, hours=4), panel=("sunhao",))  # Wed 14:00
    interview = await service.create(world.db, world.hub, draft, actor=world.hr("liuyang"), now=NOW)
    grid = soup(await client.get("/week", headers=EN))
    assert [th.get_text() for th in grid.select("thead th")][1] == local_day(
        NOW, -1
    ).isoformat()  # Monday
    row = next(tr for tr in grid.select("tbody tr") if one(tr, "th").get_text() == "14:00")
    cells = row.select("td")
    assert attr(one(cells[2], "a.slot"), "href") == f"/interviews/{interview.id}"
    busy = soup(
        await client.get(
            "/week/interviewers", params={"start": local_day(NOW, 1).isoformat()}, headers=EN
        )
    )
    person = one(busy, f"#busy-{world['sunhao'].id}")
    assert person.select("td")[2].get_text().startswith("2:00")
    assert busy.select_one(f"#busy-{world['lina'].id}") is None
