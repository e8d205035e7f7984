"""HR edits a position's interview plan through the forms."""

from __future__ import annotations

import httpx

from portal.db.plans import list_rounds
from portal.db.positions import PositionFields, insert_position
from tests.conftest import Auth
from tests.factories import World
from tests.interviews.web import EN, HTMX, Form, post
from tests.support.html import attr, one, soup
from tests.support.when import NOW


def _round(world: World, name: str, **extra: str | list[str]) -> dict[str, str | list[str]]:
    fields: dict[str, str | list[str]] = {
        "name": name,
        "duration_minutes": "60",
        "room_kind": "technical",
        "panel_size": "1",
        "area_key": ["", ""],
        "area_name": ["编程能力", ""],
        "area_description": ["写出正确、可读的代码", ""],
        "area_anchor1": ["写不出可运行的代码", ""],
        "area_anchor2": ["", ""],
        "area_anchor3": ["", ""],
        "area_anchor4": ["", ""],
        "question": ["实现一个 LRU 缓存。", ""],
        "pool_ids": [str(world["zhangwei"].id)],
    }
    fields.update(extra)
    return fields


async def _plan_names(client: httpx.AsyncClient, position_id: int) -> list[str]:
    page = soup(await client.get(f"/positions/{position_id}/plan", headers=EN))
    return [one(li, "h2").get_text() for li in page.select("li.plan-round")]


async def test_plan_hr_adds_edits_moves_and_removes_rounds(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    token = await hr.csrf_token()
    base = f"/positions/{world.position_id}/plan"
    form = soup(await client.get(f"{base}/rounds/new", headers=EN))
    assert len(form.select("#area-rows fieldset.area-row")) == 2  # blank rows without JS
    row = soup(await client.get(f"{base}/area-row", headers=HTMX))
    labels = [label.get_text(strip=True) for label in row.select("fieldset.area-row label")]
    assert labels[2:] == [
        "1 · Well below the bar",
        "2 · Below the bar",
        "3 · Meets the bar",
        "4 · Above the bar",
    ]
    saved = await post(client, token, f"{base}/rounds/new", _round(world, "技术一面"), **HTMX)
    assert saved.status_code == 204 and saved.headers["HX-Redirect"] == base
    assert (
        await post(client, token, f"{base}/rounds/new", _round(world, "HR 面"))
    ).status_code == 303
    page = soup(await client.get(base, headers=EN))
    first = one(page, "li.plan-round")
    assert one(first, ".pool").get_text() == "张伟"
    assert one(first, ".kit-counts").get_text() == "Focus areas: 1 · Questions: 1"
    rounds = await list_rounds(world.db, world.position_id)
    edit = soup(await client.get(f"{base}/rounds/{rounds[0].id}", headers=EN))
    assert attr(one(edit, "input[name=area_key]"), "value") == "a1"
    assert attr(one(edit, "#picked-interviewers input[name=pool_ids]"), "value") == str(
        world["zhangwei"].id
    )
    changed = _round(world, "技术一面（改）", area_key=["a1", ""], area_name=["代码质量", ""])
    assert (await post(client, token, f"{base}/rounds/{rounds[0].id}", changed)).status_code == 303
    edited = (await list_rounds(world.db, world.position_id))[0]
    assert [(a.key, a.name) for a in edited.focus_areas] == [("a1", "代码质量")]
    moved = await post(client, token, f"{base}/rounds/{rounds[1].id}/move", {"direction": "up"})
    assert moved.status_code == 303
    assert await _plan_names(client, world.position_id) == ["HR 面", "技术一面（改）"]
    removed = await post(client, token, f"{base}/rounds/{rounds[1].id}/remove", {})
    assert removed.status_code == 303
    assert await _plan_names(client, world.position_id) == ["技术一面（改）"]
    assert (await client.get(f"{base}/rounds/{rounds[1].id}")).status_code == 404


async def test_plan_refused_save_is_422_and_keeps_what_was_typed(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    token = await hr.csrf_token()
    bad: Form = _round(
        world,
        "",
        duration_minutes="5",
        area_name=["", ""],
        area_description=["没有名字的能力项", ""],
        question=["保留这个问题", ""],
    )
    refused = await post(
        client, token, f"/positions/{world.position_id}/plan/rounds/new", bad, **HTMX
    )
    assert refused.status_code == 422
    page = soup(refused)
    assert one(page, "#name-error").get_text() == "This field is required."
    assert one(page, "#duration_minutes-error").get_text() != ""
    assert "Give each focus area a name" in one(page, "#focus_areas-error").get_text()
    assert attr(one(page, "input[name=duration_minutes]"), "value") == "5"
    assert one(page, "textarea[name=area_description]").get_text() == "没有名字的能力项"
    assert one(page, "textarea[name=question]").get_text() == "保留这个问题"
    assert attr(one(page, "input[name=pool_ids]"), "value") == str(world["zhangwei"].id)
    assert await list_rounds(world.db, world.position_id) == []


async def test_plan_round_of_another_position_is_404(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    token = await hr.csrf_token()
    other = await insert_position(world.db, PositionFields("Designer", None, None), now=NOW)
    await post(client, token, f"/positions/{other}/plan/rounds/new", _round(world, "一面"))
    (theirs,) = await list_rounds(world.db, other)
    mine = f"/positions/{world.position_id}/plan/rounds/{theirs.id}"
    assert (await client.get(mine)).status_code == 404
    assert (await post(client, token, mine, _round(world, "改"))).status_code == 404
    assert (await post(client, token, f"{mine}/remove", {})).status_code == 404
    assert (await client.get("/positions/999999/plan")).status_code == 404
    assert [r.name for r in await list_rounds(world.db, other)] == ["一面"]


async def test_plan_is_for_hr_only(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    answer = await client.get(f"/positions/{world.position_id}/plan")
    assert answer.status_code == 403


async def test_plan_page_in_chinese(client: httpx.AsyncClient, hr: Auth, world: World) -> None:
    page = soup(
        await client.get(
            f"/positions/{world.position_id}/plan/rounds/new", headers={"Accept-Language": "zh"}
        )
    )
    legends = [legend.get_text() for legend in page.select("#round-form legend")]
    assert legends == ["轮次", "面试官库", "考察维度", "问题"]


async def test_plan_picker_chips_fill_the_pool(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    found = soup(
        await client.get("/people/search", params={"q": "sun", "field": "pool_ids"}, headers=HTMX)
    )
    chip_url = attr(one(found, "button.person-option"), "hx-get")
    chip = soup(await client.get(chip_url, headers=HTMX))
    assert attr(one(chip, "input"), "name") == "pool_ids"
