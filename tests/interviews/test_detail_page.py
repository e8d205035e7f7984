"""HR's interview page says what each button does and shows what the candidate sees (issue 13,
item 15); a forced double-booking is flagged where HR and the interviewer look (item 5)."""

from __future__ import annotations

from datetime import timedelta

import httpx

from portal.interviews import service
from tests.conftest import Auth
from tests.factories import PREP, World
from tests.interviews.web import EN
from tests.support.html import attr, one, soup
from tests.support.when import NOW, local_day


async def test_detail_page_labels_actions_with_what_they_record(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    booked = await world.interview()
    page = soup(await client.get(f"/interviews/{booked.interview_id}", headers=EN))
    forms = page.select(f"#interview-status-{booked.interview_id} form")
    buttons = {
        attr(one(f, "input[name=target]"), "value"): one(f, "button").get_text() for f in forms
    }
    assert buttons["confirmed"] == "Mark as confirmed by the candidate"
    assert "Confirm" not in buttons.values()


async def test_detail_page_shows_what_the_candidate_sees(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    shown = await world.interview()
    hidden = await world.interview(starts_in=timedelta(days=3), hide_interviewers=True)
    page = soup(await client.get(f"/interviews/{shown.interview_id}", headers=EN))
    facts = one(page, f"#interview-facts-{shown.interview_id}")
    assert one(facts, ".candidate-prep").get_text().strip() == PREP
    assert one(facts, ".candidate-sees-names").get_text() == "Shown to the candidate by name"
    page = soup(await client.get(f"/interviews/{hidden.interview_id}", headers=EN))
    names = one(page, f"#interview-facts-{hidden.interview_id} .candidate-sees-names")
    assert names.get_text() == "Hidden from the candidate"


async def _double_booked(world: World) -> int:
    starts_at = NOW + timedelta(days=1)
    first = world.draft(starts_at, panel=("sunhao",))
    await service.create(world.db, world.hub, first, actor=world.hr("liuyang"), now=NOW)
    second = world.draft(starts_at, panel=("sunhao", "lina"), override=True)
    detail = await service.create(world.db, world.hub, second, actor=world.hr("liuyang"), now=NOW)
    return detail.id


async def test_overridden_conflict_flagged_on_detail_and_board(
    client: httpx.AsyncClient, hr: Auth, world: World
) -> None:
    interview_id = await _double_booked(world)
    page = soup(await client.get(f"/interviews/{interview_id}", headers=EN))
    sunhao = one(page, f"#interview-replies-{interview_id} #reply-{world['sunhao'].id}")
    assert one(sunhao, ".overlap-override").get_text() == "Double-booked on purpose"
    lina = one(page, f"#interview-replies-{interview_id} #reply-{world['lina'].id}")
    assert lina.select(".overlap-override") == []
    day = local_day(NOW, 1).isoformat()
    board = soup(await client.get("/board", params={"day": day}, headers=EN))
    flagged = [li.get_text() for li in board.select(f"#interview-{interview_id} li")]
    assert [name for name in flagged if "Double-booked" in name] == [
        "孙浩 No reply yet Double-booked on purpose"
    ]


async def test_overridden_conflict_flagged_on_interviewers_own_page(
    client: httpx.AsyncClient, auth: Auth, world: World
) -> None:
    interview_id = await _double_booked(world)
    await auth.login_as("sunhao")
    page = soup(await client.get(f"/mine/{interview_id}", headers=EN))
    assert one(page, f"#mine-facts-{interview_id} .overlap-override") is not None
    await auth.login_as("lina")
    page = soup(await client.get(f"/mine/{interview_id}", headers=EN))
    assert page.select(f"#mine-facts-{interview_id} .overlap-override") == []
