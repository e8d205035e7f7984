from __future__ import annotations

from datetime import timedelta

from portal.db.board import list_for_day
from portal.db.candidates import search_candidates
from portal.db.database import Database
from portal.db.feedback import list_pipeline_feedback
from portal.db.plans import list_rounds
from portal.db.positions import list_positions
from portal.debrief import pipeline
from portal.demo_data import seed_demo, working_day
from portal.demo_resumes import RESUMES, resume_pdf
from portal.resumes import kit_resume
from portal.scheduling import Status, local_date, today_range
from tests.factories import World
from tests.support.when import NOW

ZONE = "Asia/Shanghai"
AFTERNOON = NOW + timedelta(hours=3)  # 13:00 in Shanghai


async def test_seed_demo_books_today_and_the_week_once(world: World) -> None:
    made = await seed_demo(world.db, AFTERNOON, zone=ZONE)
    # Eight of the eleven interviews have someone of this world (lina, zhangwei, sunhao) on
    # the panel; the others wait for people the contact sync has not brought in.
    assert made == 8
    assert await seed_demo(world.db, AFTERNOON, zone=ZONE) == 0
    today = await list_for_day(world.db, day_range=today_range(AFTERNOON, ZONE))
    statuses = [i.status for i in today]
    # 09:30 and 11:00 are over by 13:00; 14:00 is still to come.
    assert statuses == [Status.COMPLETED, Status.COMPLETED, Status.SCHEDULED]
    assert all(m.rsvp == "accepted" for i in today for m in i.panel)


async def test_seed_demo_books_plan_rounds_and_scores_the_past_ones(world: World) -> None:
    await seed_demo(world.db, AFTERNOON, zone=ZONE)
    backend = next(p for p in await list_positions(world.db) if p.title == "后端工程师")
    plan = await list_rounds(world.db, backend.id)
    stages = {
        entry.candidate_name: (state, entry.round, entry.submitted, entry.panel)
        for state, entries in (await pipeline(world.db, backend.id, now=AFTERNOON)).groups
        for entry in entries
    }
    # Round 1 two days ago with both cards in; 王小明's round 2 this morning awaits its cards.
    assert stages["郑涛"] == ("ready", 1, 2, 2)
    assert stages["王小明"] == ("waiting", 2, 0, 2)
    cards = [
        c
        for c in await list_pipeline_feedback(world.db, await _candidate(world, "郑涛"), backend.id)
        if c.entry.status == "submitted"
    ]
    assert {c.round_name for c in cards} == {plan[0].name}
    first_area = plan[0].focus_areas[0].key
    assert sorted(c.entry.scores[first_area]["rating"] for c in cards) == [3, 4]


async def _candidate(world: World, name: str) -> int:
    return next(c.id for c in await search_candidates(world.db, query=name) if c.name == name)


async def test_seed_demo_waits_for_the_contact_sync(db: Database) -> None:
    assert await seed_demo(db, NOW, zone=ZONE) == 0


def test_demo_resume_is_a_well_formed_pdf() -> None:
    pdf = resume_pdf(RESUMES["郑涛"])
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.endswith(b"%%EOF\n")
    # Every cross-reference entry points at its object: viewers seek by these offsets.
    xref_at = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[xref_at:].startswith(b"xref\n")
    entries = pdf[xref_at:].split(b"\n")[3:8]
    for number, entry in enumerate(entries, start=1):
        offset = int(entry.split()[0])
        assert pdf[offset:].startswith(b"%d 0 obj\n" % number)
    assert b"(Zheng Tao) Tj" in pdf


async def test_seed_demo_uploads_resumes(world: World) -> None:
    await seed_demo(world.db, AFTERNOON, zone=ZONE)
    link = await kit_resume(world.db, await _candidate(world, "郑涛"))
    assert link is not None and link.kind == "file" and link.filename == "郑涛-简历.pdf"


def test_demo_days_skip_the_weekend() -> None:
    friday = local_date(NOW, ZONE)
    while friday.weekday() != 4:
        friday += timedelta(days=1)
    assert working_day(friday, 0) == friday
    assert working_day(friday, 1) == friday + timedelta(days=3)  # Monday
    assert working_day(friday, -1) == friday - timedelta(days=1)  # Thursday
    monday = friday + timedelta(days=3)
    assert working_day(monday, -1) == friday
