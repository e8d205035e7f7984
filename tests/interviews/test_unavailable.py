from __future__ import annotations

from datetime import time, timedelta

import httpx
import pytest
import sqlalchemy as sa

from portal.db.availability import availability_inputs
from portal.db.tables import audit_log, unavailable_blocks
from portal.db.unavailable import UnavailableBlock, blocks_of, blocks_overlapping
from portal.interviews import service, unavailable
from portal.interviews.unavailable import BlockNotFound
from portal.scheduling import UtcRange
from portal.scheduling.conflicts import BookingConflict, ConflictKind
from portal.scheduling.unavailable import AwayDraft
from tests.conftest import Auth
from tests.factories import World
from tests.interviews.web import EN, HTMX, interview_form, post
from tests.support.html import attr, one, soup
from tests.support.when import NOW, days_after, local_day

TOMORROW = local_day(NOW, 1)
AFTERNOON = days_after(NOW, 1, time(13))  # tomorrow 13:00 in Shanghai (Lina's zone)
ZH = {"Accept-Language": "zh"}


def _away_form(**extra: str) -> dict[str, str]:
    return {"date": TOMORROW.isoformat(), "start": "13:00", "end": "18:00", **extra}


async def _block(world: World, userid: str = "lina", note: str | None = "dentist") -> int:
    draft = AwayDraft(AFTERNOON, AFTERNOON + timedelta(hours=5), note)
    return (await unavailable.add(world.db, person=world[userid], draft=draft, now=NOW)).id


async def _lina_blocks(world: World) -> list[UnavailableBlock]:
    return await blocks_of(world.db, world["lina"].id, since=NOW)


async def test_away_page_add_without_js_then_listed(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    page = soup(await client.get("/mine", headers=EN))
    assert attr(one(page, "a#mine-away"), "href") == "/mine/away"
    token = await interviewer.csrf_token()
    added = await post(client, token, "/mine/away", _away_form(note="Dentist"))
    assert added.status_code == 303 and added.headers["location"] == "/mine/away"
    [block] = await _lina_blocks(world)
    assert (block.starts_at, block.ends_at, block.note) == (
        AFTERNOON,
        AFTERNOON + timedelta(hours=5),
        "Dentist",
    )
    listed = soup(await client.get("/mine/away", headers=EN))
    assert one(listed, "body")["class"] == ["phone"]
    item = one(listed, f"#away-{block.id}")
    assert "1:00\u202fPM" in item.get_text() and "Dentist" in item.get_text()  # English: 12 h
    audit = await world.db.fetch_one(sa.select(audit_log).where(audit_log.c.action == "away.add"))
    assert audit is not None and audit["actor_id"] == "lina"
    assert audit["target_id"] == str(block.id)


async def test_away_add_with_htmx_swaps_the_list(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    token = await interviewer.csrf_token()
    response = await post(client, token, "/mine/away", _away_form(), **HTMX)
    assert response.status_code == 200
    fragment = soup(response)
    assert fragment.html is None and one(fragment, "div#away") is not None
    [block] = await _lina_blocks(world)
    assert one(fragment, f"#away-{block.id}") is not None
    assert attr(one(fragment, "input[name=start]"), "value") == ""  # a fresh form


async def test_away_presets_prefill_the_form(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    page = soup(await client.get("/mine/away", headers=EN))
    presets = {a.get_text(): attr(a, "href") for a in page.select(".away-presets a")}
    assert set(presets) == {"This afternoon", "Tomorrow", "Friday afternoon"}
    tomorrow = soup(await client.get(presets["Tomorrow"], headers=EN))
    assert attr(one(tomorrow, "input[name=date]"), "value") == TOMORROW.isoformat()
    assert one(tomorrow, "input[name=whole_day]").has_attr("checked")
    friday = soup(await client.get(presets["Friday afternoon"], headers=EN))
    assert attr(one(friday, "input[name=date]"), "value") == local_day(NOW, 3).isoformat()
    assert attr(one(friday, "input[name=start]"), "value") == "13:00"


async def test_away_remove_own_block(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    block_id = await _block(world)
    token = await interviewer.csrf_token()
    response = await post(client, token, f"/mine/away/{block_id}/remove", {}, **HTMX)
    assert response.status_code == 200
    assert soup(response).select_one(f"#away-{block_id}") is None
    assert one(soup(response), "#away-none") is not None
    assert await _lina_blocks(world) == []
    audit = await world.db.fetch_one(
        sa.select(audit_log).where(audit_log.c.action == "away.remove")
    )
    assert audit is not None and audit["target_id"] == str(block_id)


async def test_away_remove_someone_elses_block_is_404(
    client: httpx.AsyncClient, interviewer: Auth, world: World
) -> None:
    theirs = await _block(world, "sunhao")
    token = await interviewer.csrf_token()
    assert (await post(client, token, f"/mine/away/{theirs}/remove", {})).status_code == 404
    assert (await post(client, token, "/mine/away/999999/remove", {})).status_code == 404
    count = await world.db.fetch_val(sa.select(sa.func.count()).select_from(unavailable_blocks))
    assert count == 1
    with pytest.raises(BlockNotFound):
        await unavailable.remove(world.db, person=world["lina"], block_id=theirs, now=NOW)


@pytest.mark.parametrize(
    ("headers", "form", "field", "text"),
    [
        (EN, _away_form(start="18:00", end="13:00"), "end", "The end must be after the start."),
        (ZH, _away_form(start="18:00", end="13:00"), "end", "结束时间必须晚于开始时间。"),
        (
            EN,
            _away_form(date=local_day(NOW, -1).isoformat()),
            "date",
            "This time is already over.",
        ),
        (ZH, _away_form(date=local_day(NOW, -1).isoformat()), "date", "这段时间已经过去了。"),
        (
            ZH,
            _away_form(date=local_day(NOW, 200).isoformat()),
            "date",
            "请输入未来 180 天内的时间。",
        ),
        (
            EN,
            _away_form(end_date=local_day(NOW, 20).isoformat()),
            "end_date",
            "An away time lasts at most 14 days.",
        ),
    ],
)
async def test_away_validation_messages(
    client: httpx.AsyncClient,
    interviewer: Auth,
    world: World,
    headers: dict[str, str],
    form: dict[str, str],
    field: str,
    text: str,
) -> None:
    token = await interviewer.csrf_token()
    response = await post(client, token, "/mine/away", form, **headers, **{"HX-Request": "true"})
    assert response.status_code == 422
    assert one(soup(response), f"#{field}-error").get_text() == text
    assert attr(one(soup(response), "input[name=date]"), "value") == form["date"]
    assert await _lina_blocks(world) == []


async def test_booking_over_a_block_is_a_conflict_until_overridden(world: World) -> None:
    await _block(world)
    draft = world.draft(AFTERNOON + timedelta(hours=1), panel=("zhangwei", "lina"))
    with pytest.raises(BookingConflict) as caught:
        await service.create(world.db, world.hub, draft, actor=world.hr("liuyang"), now=NOW)
    assert caught.value.status == 409
    assert [(c.kind, c.person_id) for c in caught.value.conflicts] == [
        (ConflictKind.UNAVAILABLE, world["lina"].id)
    ]
    booked = world.draft(AFTERNOON + timedelta(hours=1), panel=("zhangwei", "lina"), override=True)
    created = await service.create(world.db, world.hub, booked, actor=world.hr("liuyang"), now=NOW)
    assert {m.wecom_userid for m in created.panel} == {"zhangwei", "lina"}
    other_time = world.draft(AFTERNOON - timedelta(hours=3), panel=("lina",))
    assert (
        await service.create(world.db, world.hub, other_time, actor=world.hr("liuyang"), now=NOW)
    ).id


async def test_booking_form_shows_away_conflict_and_override_books(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    await _block(world)
    token = await hr.csrf_token()
    form = interview_form(world, AFTERNOON + timedelta(hours=1), panel=("zhangwei", "lina"))
    refused = await post(client, token, "/interviews", form, **{"HX-Request": "true"})
    assert refused.status_code == 422
    blocking = soup(refused).select("#conflicts li.blocking")
    assert len(blocking) == 1
    assert "This interviewer is away at this time (dentist)." in blocking[0].get_text()
    booked = await post(client, token, "/interviews", {**form, "override": "on"})
    assert booked.status_code == 303
    audit = await world.db.fetch_one(
        sa.select(audit_log).where(audit_log.c.action == "booking_override")
    )
    assert audit is not None


async def test_week_by_interviewer_shows_away(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    await _block(world, note="dentist")
    page = soup(await client.get("/week/interviewers", headers=EN))
    row = one(page, f"#busy-{world['lina'].id}")
    away = row.select(".slot.away")
    assert len(away) == 1 and "Away" in away[0].get_text() and "1:00\u202fPM" in away[0].get_text()
    assert attr(away[0], "title") == "dentist"


async def test_blocks_overlapping_reads_only_the_window_and_people(world: World) -> None:
    await _block(world)
    await _block(world, "sunhao")
    window = UtcRange(AFTERNOON + timedelta(hours=4), AFTERNOON + timedelta(hours=6))
    found = await blocks_overlapping(world.db, window, [world["lina"].id])
    assert [b.person_id for b in found] == [world["lina"].id]
    assert len(await blocks_overlapping(world.db, window)) == 2
    after = UtcRange(AFTERNOON + timedelta(hours=5), AFTERNOON + timedelta(hours=6))
    assert await blocks_overlapping(world.db, after) == []
    assert await blocks_overlapping(world.db, window, []) == []


async def test_availability_inputs_read_the_blocks(world: World) -> None:
    await _block(world)
    await _block(world, "sunhao")
    window = UtcRange(NOW, NOW + timedelta(days=7))
    _, _, blocks = await availability_inputs(world.db, [world["lina"].id], window)
    assert [(b.person_id, b.span) for b in blocks] == [
        (world["lina"].id, (AFTERNOON, AFTERNOON + timedelta(hours=5)))
    ]
