"""The round form and the kit's stored shape (pure)."""

from __future__ import annotations

import pytest
from starlette.datastructures import FormData

from portal.scheduling import ValidationFailed
from portal.scheduling.kits import (
    AREA_NAME_MISSING,
    SAME_AREA_TWICE,
    TOO_MANY_AREAS,
    FocusArea,
    Question,
    areas_from_json,
    areas_to_json,
    next_key,
    questions_from_json,
    read_round,
)
from portal.scheduling.rooms import RoomKind

Fields = dict[str, str | list[str]]
BASE: Fields = {
    "name": "技术一面",
    "duration_minutes": "60",
    "room_kind": "technical",
    "room_paper_uid": "P1",
    "panel_size": "2",
}


def form(fields: Fields) -> FormData:
    return FormData(
        [
            (name, item)
            for name, value in fields.items()
            for item in (value if isinstance(value, list) else [value])
        ]
    )


def areas(*rows: tuple[str, str]) -> Fields:
    """Form fields for focus-area rows of (key, name), with anchors filled in."""
    return {
        "area_key": [key for key, _ in rows],
        "area_name": [name for _, name in rows],
        "area_description": [f"about {name}" for _, name in rows],
        **{f"area_anchor{n}": [f"{name} level {n}" for _, name in rows] for n in range(1, 5)},
    }


def errors_of(fields: Fields) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        read_round(form(fields))
    return caught.value.errors


def test_a_round_reads_every_field_and_numbers_new_areas() -> None:
    fields = read_round(
        form(BASE | areas(("", "Coding"), ("", "Design")) | {"question": ["Q1", " ", "Q2"]})
    )
    assert (fields.name, fields.duration_minutes, fields.panel_size) == ("技术一面", 60, 2)
    assert (fields.room_kind, fields.room_paper_uid) == (RoomKind.TECHNICAL, "P1")
    assert [(a.key, a.name) for a in fields.focus_areas] == [("a1", "Coding"), ("a2", "Design")]
    assert fields.focus_areas[0].anchors == tuple(f"Coding level {n}" for n in range(1, 5))
    assert fields.questions == (Question("Q1"), Question("Q2"))


def test_known_keys_survive_a_rename_and_new_rows_never_reuse_a_key() -> None:
    fields = read_round(
        form(BASE | areas(("a3", "Coding (renamed)"), ("a1", "Design"), ("zz", "New"))),
        known_keys=["a1", "a2", "a3"],
    )
    # a2 was deleted: the new row gets a4, not a2, so old scores never attach to it.
    assert [a.key for a in fields.focus_areas] == ["a3", "a1", "a4"]


def test_a_key_given_twice_is_only_kept_once() -> None:
    fields = read_round(form(BASE | areas(("a1", "One"), ("a1", "Two"))), known_keys=["a1"])
    assert [a.key for a in fields.focus_areas] == ["a1", "a2"]


def test_paper_only_for_a_technical_round() -> None:
    fields = read_round(form(BASE | {"room_kind": "non_technical"}))
    assert fields.room_paper_uid is None


def test_empty_rows_are_dropped_and_a_nameless_row_is_refused() -> None:
    blank: Fields = {"area_key": ["", ""], "area_name": ["", "Coding"], "area_anchor1": ["", ""]}
    assert [a.name for a in read_round(form(BASE | blank)).focus_areas] == ["Coding"]
    nameless: Fields = {"area_name": [""], "area_description": ["something"]}
    assert errors_of(BASE | nameless) == {"focus_areas": AREA_NAME_MISSING}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"duration_minutes": "5"}, "duration_minutes"),
        ({"duration_minutes": "abc"}, "duration_minutes"),
        ({"panel_size": "6"}, "panel_size"),
        ({"room_kind": "zoom"}, "room_kind"),
        ({"pool_ids": ["3", "x"]}, "pool_ids"),
        ({"question": "bad\x00text"}, "questions"),
    ],
)
def test_bad_fields_are_named(changes: Fields, field: str) -> None:
    assert field in errors_of(BASE | changes)


def test_limits_on_areas_and_duplicates() -> None:
    many = areas(*[("", f"Area {n}") for n in range(11)])
    assert errors_of(BASE | many)["focus_areas"] == TOO_MANY_AREAS
    assert errors_of(BASE | areas(("", "Coding"), ("", "coding")))["focus_areas"] == SAME_AREA_TWICE


def test_pool_ids_are_deduplicated_in_order() -> None:
    assert read_round(form(BASE | {"pool_ids": ["5", "3", "5"]})).pool == (5, 3)


def test_stored_shape_round_trips_and_tolerates_damage() -> None:
    area = FocusArea("a1", "Coding", "desc", ("1", "2", "3", "4"))
    assert areas_from_json(areas_to_json([area])) == (area,)
    damaged = [{"key": "a2", "anchors": ["only one"]}, "junk", {"name": "no key"}]
    assert areas_from_json(damaged) == (FocusArea("a2", "", "", ("only one", "", "", "")),)
    assert areas_from_json(None) == () and questions_from_json({"text": "x"}) == ()


def test_next_key_skips_every_key_in_use() -> None:
    assert next_key([]) == "a1"
    assert next_key(["a1", "a7", "b9"]) == "a8"


def test_a_deleted_areas_key_is_never_given_again() -> None:
    # The round once had a1..a3; a3 was deleted (area_seq remembers 3): the new row is a4.
    fields = read_round(
        form(BASE | areas(("a1", "One"), ("", "New"))), known_keys=["a1", "a2"], area_seq=3
    )
    assert [a.key for a in fields.focus_areas] == ["a1", "a4"]
    assert fields.area_seq == 4
