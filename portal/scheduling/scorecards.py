"""The structured scorecard: a rating and notes per focus area of the kit, and a verdict.

Scores are keyed by the focus area's key (`kits.FocusArea.key`), so a draft follows the kit
when HR renames or rewords an area. Fields: `rating:<key>` (1–4), `notes:<key>`,
`recommendation` and the overall `notes`. A legacy card (no kit) keeps its own fields:
`rating`, `recommendation`, `strengths`, `concerns`, `notes` (`validation.validate_scorecard`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from portal.scheduling.feedback import Recommendation
from portal.scheduling.fields import REQUIRED, FormReader, RawForm, ValidationFailed
from portal.scheduling.kits import LEVELS, FocusArea, areas_from_json
from portal.scheduling.messages import N_
from portal.scheduling.validation import Scorecard

MAX_AREA_NOTES = 2000
MAX_NOTES = 4000
UNKNOWN_FIELD = N_("This field is not on the scorecard.")
RATE_EVERY_AREA = N_("Rate this focus area before submitting.")

_RECOMMENDATIONS = {choice.value: choice for choice in Recommendation}
_LEVELS = {str(level): level for level in LEVELS}
_LEGACY_TEXTS = ("strengths", "concerns", "notes")


@dataclass(frozen=True, slots=True)
class AreaScore:
    rating: int | None
    notes: str | None


@dataclass(frozen=True, slots=True)
class StructuredCard:
    scores: Mapping[str, AreaScore]  # by area key
    recommendation: Recommendation | None
    notes: str | None
    submit: bool = False


@dataclass(frozen=True, slots=True)
class ScoredArea:
    """One focus area of a card as it is read: the area, its score, the chosen anchor."""

    area: FocusArea
    score: AreaScore

    @property
    def anchor(self) -> str:
        rating = self.score.rating
        return self.area.anchor(rating) if rating in LEVELS and rating is not None else ""


@dataclass(frozen=True, slots=True)
class FieldValue:
    """One autosaved field: its form name and its value (None clears it)."""

    name: str
    value: int | str | Recommendation | None


def scores_to_json(scores: Mapping[str, AreaScore]) -> dict[str, dict[str, Any]]:
    return {key: {"rating": s.rating, "notes": s.notes} for key, s in scores.items()}


def scores_from_json(value: Any) -> dict[str, AreaScore]:
    """Stored scores; anything malformed reads as unrated rather than failing the page."""
    if not isinstance(value, dict):
        return {}
    found = {}
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, dict):
            continue
        rating = item.get("rating")
        notes = item.get("notes")
        found[key] = AreaScore(
            rating if type(rating) is int and rating in LEVELS else None,
            notes if isinstance(notes, str) and notes else None,
        )
    return found


def carry(scores: Mapping[str, AreaScore], areas: Sequence[FocusArea]) -> dict[str, AreaScore]:
    """The scores of the areas still in the kit, in the kit's order."""
    return {a.key: scores[a.key] for a in areas if a.key in scores}


def scored_areas(structure: Any, scores: Any) -> tuple[ScoredArea, ...]:
    """A stored card's rows: its own copy of the focus areas with their scores."""
    read = scores_from_json(scores)
    return tuple(
        ScoredArea(area, read.get(area.key, AreaScore(None, None)))
        for area in areas_from_json(structure)
    )


def validate_structured(
    form: RawForm, areas: Sequence[FocusArea], *, submit: bool
) -> StructuredCard:
    """The whole structured card; a submission needs every area rated and a recommendation."""
    reader = FormReader(form)
    scores = {}
    for area in areas:
        rating = reader.choice(f"rating:{area.key}", _LEVELS, required=False)
        if submit and rating is None:
            reader.fail(f"rating:{area.key}", RATE_EVERY_AREA)
        notes = reader.text(f"notes:{area.key}", max_len=MAX_AREA_NOTES, multiline=True)
        scores[area.key] = AreaScore(rating, notes)
    recommendation = reader.choice("recommendation", _RECOMMENDATIONS, required=submit)
    notes = reader.text("notes", max_len=MAX_NOTES, multiline=True)
    reader.finish()
    return StructuredCard(scores, recommendation, notes, submit)


def read_field(form: RawForm, areas: Sequence[FocusArea] | None) -> FieldValue:
    """The one field named by `field` (None `areas`: the legacy card), or `ValidationFailed`."""
    reader = FormReader(form)
    name = reader.raw("field")
    keys = {a.key for a in areas} if areas is not None else set()
    kind, _, key = name.partition(":")
    value: int | str | Recommendation | None = None
    if name == "recommendation":
        value = reader.choice(name, _RECOMMENDATIONS, required=False)
    elif name == "notes" or (areas is None and name in _LEGACY_TEXTS):
        value = reader.text(name, max_len=MAX_NOTES, multiline=True)
    elif areas is None and name == "rating":
        value = reader.choice(name, _LEVELS, required=False)
    elif kind == "rating" and key in keys:
        value = reader.choice(name, _LEVELS, required=False)
    elif kind == "notes" and key in keys:
        value = reader.text(name, max_len=MAX_AREA_NOTES, multiline=True)
    else:
        reader.fail("field", UNKNOWN_FIELD if name else REQUIRED)
    reader.finish()
    return FieldValue(name, value)


def apply_structured(card: StructuredCard, change: FieldValue) -> StructuredCard:
    """`card` with one field changed (a draft: never a submission)."""
    kind, _, key = change.name.partition(":")
    if change.name == "recommendation":
        assert change.value is None or isinstance(change.value, Recommendation)
        return replace(card, recommendation=change.value, submit=False)
    if change.name == "notes":
        return replace(card, notes=_text(change.value), submit=False)
    before = card.scores.get(key, AreaScore(None, None))
    if kind == "rating":
        after = AreaScore(change.value if isinstance(change.value, int) else None, before.notes)
    elif kind == "notes":
        after = AreaScore(before.rating, _text(change.value))
    else:
        raise ValidationFailed({"field": UNKNOWN_FIELD}, {})
    return replace(card, scores={**card.scores, key: after}, submit=False)


def apply_legacy(card: Scorecard, change: FieldValue) -> Scorecard:
    """The legacy card with one field changed (a draft)."""
    if change.name == "rating":
        value = change.value if isinstance(change.value, int) else None
        return replace(card, rating=value, submit=False)
    if change.name == "recommendation":
        assert change.value is None or isinstance(change.value, Recommendation)
        return replace(card, recommendation=change.value, submit=False)
    text = _text(change.value)
    if change.name == "strengths":
        return replace(card, strengths=text, submit=False)
    if change.name == "concerns":
        return replace(card, concerns=text, submit=False)
    if change.name == "notes":
        return replace(card, notes=text, submit=False)
    raise ValidationFailed({"field": UNKNOWN_FIELD}, {})


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
