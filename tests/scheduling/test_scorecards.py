from __future__ import annotations

import pytest
from starlette.datastructures import FormData

from portal.scheduling.feedback import Recommendation
from portal.scheduling.fields import REQUIRED, TOO_LONG, ValidationFailed
from portal.scheduling.kits import FocusArea, areas_to_json
from portal.scheduling.scorecards import (
    RATE_EVERY_AREA,
    UNKNOWN_FIELD,
    AreaScore,
    FieldValue,
    StructuredCard,
    apply_legacy,
    apply_structured,
    carry,
    read_field,
    scored_areas,
    scores_from_json,
    scores_to_json,
    validate_structured,
)
from portal.scheduling.validation import Scorecard

CODING = FocusArea("a1", "Coding", "Writes working code", ("none", "shaky", "solid", "fluent"))
DESIGN = FocusArea("a2", "Design", "Shapes systems", ("", "", "", "great"))
AREAS = (CODING, DESIGN)
EMPTY = StructuredCard({}, None, None)


def _form(**values: str) -> FormData:
    return FormData(list(values.items()))


def _errors(call: object) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        assert callable(call)
        call()
    return caught.value.errors


def test_validate_structured_draft_may_be_partial() -> None:
    form = FormData([("rating:a1", "3"), ("notes:a2", " thin \r\n"), ("notes", "ok")])
    card = validate_structured(form, AREAS, submit=False)
    assert card.scores == {"a1": AreaScore(3, None), "a2": AreaScore(None, "thin")}
    assert (card.recommendation, card.notes, card.submit) == (None, "ok", False)


def test_validate_structured_submit_needs_every_rating_and_recommendation() -> None:
    errors = _errors(lambda: validate_structured(_form(**{"rating:a1": "2"}), AREAS, submit=True))
    assert errors == {"rating:a2": RATE_EVERY_AREA, "recommendation": REQUIRED}


def test_validate_structured_submit_complete_card() -> None:
    form = _form(**{"rating:a1": "4", "rating:a2": "1", "recommendation": "strong_yes"})
    card = validate_structured(form, AREAS, submit=True)
    assert card.recommendation is Recommendation.STRONG_YES and card.submit
    assert {k: s.rating for k, s in card.scores.items()} == {"a1": 4, "a2": 1}


@pytest.mark.parametrize("rating", ["0", "5", "x", "3.0"])
def test_validate_structured_bad_rating_is_an_error(rating: str) -> None:
    errors = _errors(
        lambda: validate_structured(_form(**{"rating:a1": rating}), AREAS, submit=False)
    )
    assert "rating:a1" in errors


def test_validate_structured_text_limits() -> None:
    form = _form(**{"notes:a1": "x" * 2001, "notes": "y" * 4001})
    errors = _errors(lambda: validate_structured(form, AREAS, submit=False))
    assert errors == {"notes:a1": TOO_LONG, "notes": TOO_LONG}
    assert validate_structured(_form(**{"notes:a1": "x" * 2000}), AREAS, submit=False)


def test_validate_structured_ignores_fields_of_areas_not_in_the_kit() -> None:
    card = validate_structured(_form(**{"rating:zz": "9"}), AREAS, submit=False)
    assert set(card.scores) == {"a1", "a2"}


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("rating:a1", "2", 2),
        ("rating:a1", "", None),
        ("notes:a2", "hello", "hello"),
        ("recommendation", "no", Recommendation.NO),
        ("notes", "overall", "overall"),
    ],
)
def test_read_field_structured(
    name: str, value: str, expected: int | str | Recommendation | None
) -> None:
    assert read_field(_form(field=name, **{name: value}), AREAS) == FieldValue(name, expected)


@pytest.mark.parametrize("name", ["rating:zz", "strengths", "rating", "csrf_token"])
def test_read_field_unknown_field_is_refused(name: str) -> None:
    assert _errors(lambda: read_field(_form(field=name, **{name: "1"}), AREAS)) == {
        "field": UNKNOWN_FIELD
    }


def test_read_field_without_a_name_is_required() -> None:
    assert _errors(lambda: read_field(_form(), AREAS)) == {"field": REQUIRED}


def test_read_field_checks_the_value() -> None:
    errors = _errors(lambda: read_field(_form(field="notes:a1", **{"notes:a1": "x" * 2001}), AREAS))
    assert errors == {"notes:a1": TOO_LONG}
    assert "recommendation" in _errors(
        lambda: read_field(_form(field="recommendation", recommendation="maybe"), AREAS)
    )


def test_read_field_legacy_card_has_its_own_fields() -> None:
    assert read_field(_form(field="strengths", strengths="calm"), None).value == "calm"
    assert read_field(_form(field="rating", rating="4"), None).value == 4
    assert _errors(lambda: read_field(_form(field="rating:a1"), None)) == {"field": UNKNOWN_FIELD}


def test_apply_structured_changes_one_field_and_keeps_the_rest() -> None:
    card = apply_structured(EMPTY, FieldValue("rating:a1", 3))
    card = apply_structured(card, FieldValue("notes:a1", "good"))
    card = apply_structured(card, FieldValue("recommendation", Recommendation.YES))
    card = apply_structured(card, FieldValue("rating:a1", None))
    assert card.scores == {"a1": AreaScore(None, "good")}
    assert card.recommendation is Recommendation.YES and not card.submit
    assert apply_structured(card, FieldValue("notes", "")).notes is None


def test_apply_legacy_changes_one_field() -> None:
    card = Scorecard(2, None, "s", None, None, submit=False)
    changed = apply_legacy(card, FieldValue("concerns", "late"))
    assert (changed.rating, changed.strengths, changed.concerns) == (2, "s", "late")
    assert apply_legacy(changed, FieldValue("rating", 4)).rating == 4


def test_carry_keeps_scores_of_areas_still_in_the_kit_in_kit_order() -> None:
    scores = {"a2": AreaScore(1, None), "a9": AreaScore(4, "gone"), "a1": AreaScore(2, None)}
    assert list(carry(scores, AREAS)) == ["a1", "a2"]


def test_scores_json_round_trip_and_tolerance() -> None:
    scores = {"a1": AreaScore(3, "n"), "a2": AreaScore(None, None)}
    assert scores_from_json(scores_to_json(scores)) == scores
    bad = {"a1": {"rating": 7, "notes": 5}, "a2": "x", 3: {}, "a3": {"rating": True}}
    assert scores_from_json(bad) == {"a1": AreaScore(None, None), "a3": AreaScore(None, None)}
    assert scores_from_json(None) == {} and scores_from_json([1]) == {}


def test_scored_areas_reads_the_stored_structure_with_anchor_of_the_rating() -> None:
    rows = scored_areas(areas_to_json(AREAS), {"a1": {"rating": 3, "notes": "fine"}})
    assert [(r.area.name, r.score.rating, r.anchor) for r in rows] == [
        ("Coding", 3, "solid"),
        ("Design", None, ""),
    ]
