"""Plan use cases on both databases: add, edit keeping keys, reorder, remove, pool, audit."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from starlette.datastructures import FormData, UploadFile

from portal import plans
from portal.db.audit import list_entries
from portal.db.people import set_active
from portal.db.plans import get_round, list_rounds, round_pool
from portal.db.positions import PositionFields, insert_position, list_positions
from portal.demo_data import seed_demo
from portal.errors import NotFound
from portal.scheduling import ValidationFailed
from portal.scheduling.kits import RoundFields, read_round
from tests.factories import World
from tests.support.when import NOW


def _fields(world: World, name: str, *areas: str, pool: tuple[str, ...] = ()) -> RoundFields:
    pairs: list[tuple[str, str | UploadFile]] = [
        ("name", name),
        ("duration_minutes", "60"),
        ("room_kind", "technical"),
    ]
    pairs.append(("panel_size", "1"))
    for area in areas:
        pairs.append(("area_name", area))
        pairs.append(("area_anchor1", f"{area}: nothing works"))
    pairs.append(("question", "Design a rate limiter."))
    for userid in pool:
        pairs.append(("pool_ids", str(world[userid].id)))
    return read_round(FormData(pairs))


async def test_save_round_adds_rounds_in_order_with_pool_and_audit(world: World) -> None:
    first = await plans.save_round(
        world.db,
        world.position_id,
        None,
        _fields(world, "技术一面", "编程能力", pool=("zhangwei", "lina")),
        actor=world.hr("liuyang"),
        now=NOW,
    )
    await plans.save_round(
        world.db,
        world.position_id,
        None,
        _fields(world, "HR 面"),
        actor=world.hr("liuyang"),
        now=NOW,
    )
    rounds = await list_rounds(world.db, world.position_id)
    assert [r.name for r in rounds] == ["技术一面", "HR 面"]
    assert rounds[0].id == first and rounds[0].focus_areas[0].name == "编程能力"
    assert rounds[0].questions[0].text == "Design a rate limiter."
    assert sorted(m.name for m in await round_pool(world.db, first)) == ["张伟", "李娜"]
    entries = (await list_entries(world.db, action="plan.round_added")).items
    assert [e.target_id for e in entries][-1] == str(first)
    assert entries[-1].actor_id == "liuyang" and entries[-1].detail == {
        "position_id": world.position_id,
        "name": "技术一面",
    }


async def test_save_round_edit_keeps_area_keys_and_gives_new_ones_fresh(world: World) -> None:
    round_id = await plans.save_round(
        world.db,
        world.position_id,
        None,
        _fields(world, "技术一面", "编程能力", "系统设计"),
        actor=world.hr("liuyang"),
        now=NOW,
    )
    before = await get_round(world.db, round_id)
    assert before is not None and [a.key for a in before.focus_areas] == ["a1", "a2"]
    # HR renames the second area, drops the first and adds one: keys follow the rows.
    pairs: list[tuple[str, str | UploadFile]] = [
        ("name", "技术一面"),
        ("duration_minutes", "45"),
        ("room_kind", "none"),
    ]
    pairs.append(("panel_size", "2"))
    for key, name in (("a2", "架构设计"), ("", "沟通协作")):
        pairs.append(("area_key", key))
        pairs.append(("area_name", name))
    fields = read_round(FormData(pairs), known_keys=[a.key for a in before.focus_areas])
    later = NOW + timedelta(hours=1)
    await plans.save_round(
        world.db, world.position_id, round_id, fields, actor=world.hr("zhaolei"), now=later
    )
    after = await get_round(world.db, round_id)
    assert after is not None
    assert [(a.key, a.name) for a in after.focus_areas] == [("a2", "架构设计"), ("a3", "沟通协作")]
    assert (after.duration_minutes, after.room_kind, after.panel_size) == (45, "none", 2)
    changed = (await list_entries(world.db, action="plan.round_changed")).items
    assert [(e.actor_id, e.target_id) for e in changed] == [("zhaolei", str(round_id))]


async def test_move_round_swaps_neighbours_and_is_still_at_the_ends(world: World) -> None:
    ids = [
        await plans.save_round(
            world.db,
            world.position_id,
            None,
            _fields(world, name),
            actor=world.hr("liuyang"),
            now=NOW,
        )
        for name in ("一面", "二面", "三面")
    ]
    await plans.move_round(
        world.db, world.position_id, ids[2], "up", actor=world.hr("liuyang"), now=NOW
    )
    assert [r.name for r in await list_rounds(world.db, world.position_id)] == [
        "一面",
        "三面",
        "二面",
    ]
    await plans.move_round(
        world.db, world.position_id, ids[0], "up", actor=world.hr("liuyang"), now=NOW
    )
    assert [r.name for r in await list_rounds(world.db, world.position_id)] == [
        "一面",
        "三面",
        "二面",
    ]
    entries = (await list_entries(world.db, action="plan.reordered")).items
    assert [e.detail for e in entries] == [{"order": [ids[0], ids[2], ids[1]]}]


async def test_remove_round_leaves_it_readable_by_id(world: World) -> None:
    round_id = await plans.save_round(
        world.db,
        world.position_id,
        None,
        _fields(world, "技术一面", "编程能力"),
        actor=world.hr("liuyang"),
        now=NOW,
    )
    await plans.remove_round(
        world.db, world.position_id, round_id, actor=world.hr("liuyang"), now=NOW
    )
    assert await list_rounds(world.db, world.position_id) == []
    kept = await get_round(world.db, round_id)
    assert kept is not None and kept.removed_at is not None
    assert kept.kit.focus_areas[0].name == "编程能力"
    assert [
        e.target_id for e in (await list_entries(world.db, action="plan.round_removed")).items
    ] == [str(round_id)]
    with pytest.raises(NotFound):  # removed: neither edited nor removed again
        await plans.remove_round(
            world.db, world.position_id, round_id, actor=world.hr("liuyang"), now=NOW
        )


async def test_save_round_refuses_inactive_or_unknown_pool_members(world: World) -> None:
    await set_active(world.db, world["sunhao"].id, active=False, blocked=False, now=NOW)
    inactive = _fields(world, "技术一面", pool=("zhangwei", "sunhao"))
    for fields in (inactive, replace(inactive, pool=(999_999,))):
        with pytest.raises(ValidationFailed) as refused:
            await plans.save_round(
                world.db, world.position_id, None, fields, actor=world.hr("liuyang"), now=NOW
            )
        assert set(refused.value.errors) == {"pool_ids"}
    assert await list_rounds(world.db, world.position_id) == []
    assert (await list_entries(world.db, action="plan.round_added")).items == []


async def test_save_round_refuses_another_positions_round(world: World) -> None:
    other = await insert_position(world.db, PositionFields("Designer", None, None), now=NOW)
    round_id = await plans.save_round(
        world.db, other, None, _fields(world, "一面"), actor=world.hr("liuyang"), now=NOW
    )
    with pytest.raises(NotFound):
        await plans.save_round(
            world.db,
            world.position_id,
            round_id,
            _fields(world, "改"),
            actor=world.hr("liuyang"),
            now=NOW,
        )
    with pytest.raises(NotFound):
        await plans.save_round(
            world.db, 999_999, None, _fields(world, "一面"), actor=world.hr("liuyang"), now=NOW
        )
    unchanged = await get_round(world.db, round_id)
    assert unchanged is not None and unchanged.name == "一面"


async def test_seed_demo_gives_each_position_a_plan_with_kits(world: World) -> None:
    await seed_demo(world.db, NOW, zone="Asia/Shanghai")
    (backend,) = [p.id for p in await list_positions(world.db) if p.title == "后端工程师"]
    rounds = await list_rounds(world.db, backend)
    assert [(r.name, r.room_kind, r.panel_size) for r in rounds] == [
        ("技术一面", "technical", 2),
        ("技术二面", "technical", 2),
        ("HR 面", "non_technical", 1),
    ]
    assert [a.name for a in rounds[1].focus_areas] == ["编程能力", "系统设计"]
    assert all(all(a.anchors) and a.description for r in rounds for a in r.focus_areas)
    # Only the people this world has synced are in the pools.
    assert sorted(m.name for m in await round_pool(world.db, rounds[0].id)) == [
        "孙浩",
        "张伟",
        "李娜",
    ]
    assert sorted(m.name for m in await round_pool(world.db, rounds[2].id)) == ["刘洋", "赵蕾"]
