"""The live conflict check on HR's interview form covers the panel (issue 13, item 1)."""

from __future__ import annotations

from datetime import timedelta

import httpx

from portal.interviews import service
from tests.conftest import Auth
from tests.factories import World
from tests.interviews.web import EN, HTMX, interview_form, post
from tests.support.html import attr, one, soup
from tests.support.when import NOW

TODAY_NOON = NOW + timedelta(hours=2)  # 12:00 in Shanghai


async def _book_zhangwei(world: World) -> int:
    draft = world.draft(TODAY_NOON, panel=("zhangwei",))
    detail = await service.create(world.db, world.hub, draft, actor=world.hr("liuyang"), now=NOW)
    return detail.id


async def _check(client: httpx.AsyncClient, hr: Auth, world: World, *panel: str) -> httpx.Response:
    at = TODAY_NOON + timedelta(minutes=30)  # overlaps Zhang Wei's interview
    form = interview_form(world, at, panel=panel, candidate_id="", candidate_name="李雷")
    return await post(client, await hr.csrf_token(), "/interviews/check", form, **HTMX)


async def test_chip_asks_for_the_check_once_it_is_in_the_page(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    # A plain HX-Trigger fires before htmx swaps the chip in: the check would miss it.
    chip = await client.get(f"/people/{world['zhangwei'].id}/chip", headers=HTMX)
    assert chip.headers["HX-Trigger-After-Settle"] == "interviewers-changed"
    assert "HX-Trigger" not in chip.headers


async def test_check_endpoint_follows_panel_additions_and_removals(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    await _book_zhangwei(world)
    alone = soup(await _check(client, hr, world, "lina"))
    assert alone.select_one(".no-conflicts") is not None
    added = soup(await _check(client, hr, world, "lina", "zhangwei"))
    assert [one(li, "strong").get_text() for li in added.select("li.blocking")] == [
        "张伟 (Zhang Wei)"
    ]
    assert added.select_one(".no-conflicts") is None
    removed = soup(await _check(client, hr, world, "lina"))
    assert removed.select("li.blocking") == [] and removed.select_one(".no-conflicts") is not None


async def test_form_check_reads_the_whole_form_on_panel_and_candidate_changes(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    interview_id = await _book_zhangwei(world)
    for path in ("/interviews/new", f"/interviews/{interview_id}/edit"):
        page = soup(await client.get(path, headers=EN))
        form = one(page, "form#interview-form")
        check = one(form, "#conflicts")
        assert attr(check, "hx-include") == "#interview-form"
        triggers = [t.strip() for t in attr(check, "hx-trigger").split(",")]
        assert "change delay:300ms from:#interview-form" in triggers  # removals: a chip unticked
        assert "interviewers-changed from:body" in triggers  # additions: a chip swapped in
        assert "htmx:afterSettle from:#candidate-id" in triggers  # the candidate search
        assert form.select_one("#picked-interviewers") is not None
