"""Interview plans and kits: a position's rounds, each with focus areas and questions.

A kit is what an interviewer sees before and during the interview. Its focus areas are also
the rows of the round's scorecard: each has a key that stays the same when HR renames or
rewords it, so a draft follows the kit and a submitted scorecard keeps the copy it was
written against (`Structure`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from portal.scheduling.fields import BAD_CHARACTERS, FormReader, RawForm, _has_control
from portal.scheduling.messages import N_
from portal.scheduling.rooms import RoomKind

LEVELS = (1, 2, 3, 4)
MAX_AREAS = 10
MAX_QUESTIONS = 30
MAX_POOL = 50
MIN_DURATION_MINUTES, MAX_DURATION_MINUTES = 15, 480
MAX_PANEL = 5  # the platform takes at most 5 interviewers per room

LEVEL_LABELS = {
    1: N_("1 · Well below the bar"),
    2: N_("2 · Below the bar"),
    3: N_("3 · Meets the bar"),
    4: N_("4 · Above the bar"),
}
AREA_NAME_MISSING = N_("Give each focus area a name, or clear all its fields.")
TOO_MANY_AREAS = N_("A round has at most %(max)s focus areas.")
TOO_MANY_QUESTIONS = N_("A round has at most %(max)s questions.")
TOO_MANY_IN_POOL = N_("A pool has at most %(max)s interviewers.")
SAME_AREA_TWICE = N_("Two focus areas have the same name.")


@dataclass(frozen=True, slots=True)
class FocusArea:
    key: str  # "a1", "a2"…: stable across renames, so scores follow the area
    name: str
    description: str
    anchors: tuple[str, str, str, str]  # what a 1, 2, 3 and 4 look like

    def anchor(self, level: int) -> str:
        return self.anchors[level - 1]


@dataclass(frozen=True, slots=True)
class Question:
    text: str


@dataclass(frozen=True, slots=True)
class Kit:
    focus_areas: tuple[FocusArea, ...]
    questions: tuple[Question, ...]
    paper_uid: str | None = None  # a question-bank paper attached to the room


@dataclass(frozen=True, slots=True)
class RoundFields:
    """What HR types about one round of a plan."""

    name: str
    duration_minutes: int
    room_kind: RoomKind
    room_paper_uid: str | None
    panel_size: int
    focus_areas: tuple[FocusArea, ...]
    questions: tuple[Question, ...]
    pool: tuple[int, ...]  # person ids
    area_seq: int = 0  # the highest area number given so far (see `next_key`)
    auto_replace: bool = False  # replace a decliner from the pool without asking HR


def areas_to_json(areas: Sequence[FocusArea]) -> list[dict[str, Any]]:
    return [
        {"key": a.key, "name": a.name, "description": a.description, "anchors": list(a.anchors)}
        for a in areas
    ]


def areas_from_json(value: Any) -> tuple[FocusArea, ...]:
    """Stored focus areas; anything malformed is skipped rather than failing the page."""
    if not isinstance(value, list):
        return ()
    found = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            continue
        anchors = item.get("anchors")
        texts = [str(a) for a in anchors] if isinstance(anchors, list) else []
        texts = (texts + [""] * 4)[:4]
        found.append(
            FocusArea(
                key=item["key"],
                name=str(item.get("name") or ""),
                description=str(item.get("description") or ""),
                anchors=(texts[0], texts[1], texts[2], texts[3]),
            )
        )
    return tuple(found)


def questions_to_json(questions: Sequence[Question]) -> list[dict[str, str]]:
    return [{"text": q.text} for q in questions]


def questions_from_json(value: Any) -> tuple[Question, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        Question(str(item["text"]))
        for item in value
        if isinstance(item, dict) and isinstance(item.get("text"), str)
    )


def key_number(key: str) -> int:
    return int(key[1:]) if key.startswith("a") and key[1:].isdigit() else 0


def next_key(taken: Sequence[str], *, floor: int = 0) -> str:
    """A key no area of the round has had: one past the highest "aN" in use and `floor`."""
    return f"a{max([floor, *map(key_number, taken)]) + 1}"


_ROOM_KINDS = {kind.value: kind for kind in RoomKind}


def read_round(form: RawForm, *, known_keys: Sequence[str] = (), area_seq: int = 0) -> RoundFields:
    """The round form, or `ValidationFailed` with every field error.

    Focus areas arrive as parallel lists (`area_key`, `area_name`, `area_description`,
    `area_anchor1`..`area_anchor4`); a row left wholly empty is dropped, a new row (no key, or
    a key the round does not have) gets a fresh one, numbered past `area_seq` (the highest
    number the round ever gave, so a deleted area's key is never reused). Questions are
    `question` fields, one each; pool members are `pool_ids`.
    """
    reader = FormReader(form)
    name = reader.text("name", max_len=64, required=True) or ""
    duration = reader.integer(
        "duration_minutes", low=MIN_DURATION_MINUTES, high=MAX_DURATION_MINUTES
    )
    kind = reader.choice("room_kind", _ROOM_KINDS) or RoomKind.TECHNICAL
    paper = reader.text("room_paper_uid", max_len=64)
    panel_size = reader.integer("panel_size", low=1, high=MAX_PANEL)
    areas = _areas(reader, form, known_keys, area_seq)
    questions = _questions(reader, form)
    pool = tuple(dict.fromkeys(reader.identifiers("pool_ids")))
    auto_replace = reader.checkbox("auto_replace")
    if len(pool) > MAX_POOL:
        reader.fail("pool_ids", TOO_MANY_IN_POOL, {"max": MAX_POOL})
    reader.finish()
    return RoundFields(
        name=name,
        duration_minutes=duration or 60,
        room_kind=kind,
        room_paper_uid=paper if kind is RoomKind.TECHNICAL else None,
        panel_size=panel_size or 1,
        focus_areas=areas,
        questions=questions,
        pool=pool,
        area_seq=max([area_seq, *(key_number(a.key) for a in areas)]),
        auto_replace=auto_replace,
    )


def _texts(form: RawForm, name: str) -> list[str]:
    return [
        v.strip().replace("\r\n", "\n") if isinstance(v, str) else "" for v in form.getlist(name)
    ]


def _areas(
    reader: FormReader, form: RawForm, known_keys: Sequence[str], area_seq: int
) -> tuple[FocusArea, ...]:
    names, keys = _texts(form, "area_name"), _texts(form, "area_key")
    descriptions = _texts(form, "area_description")
    anchors = [_texts(form, f"area_anchor{level}") for level in LEVELS]
    count = max([len(names), len(keys), len(descriptions), *map(len, anchors)])

    def at(values: list[str], index: int) -> str:
        return values[index] if index < len(values) else ""

    areas: list[FocusArea] = []
    taken = list(known_keys)
    for index in range(count):
        row = [at(names, index), at(descriptions, index), *(at(a, index) for a in anchors)]
        if not any(row):
            continue
        name, description, *levels = row
        if not name:
            reader.fail("focus_areas", AREA_NAME_MISSING)
        elif any(_has_control(text, True) for text in row):
            reader.fail("focus_areas", BAD_CHARACTERS)
        elif any(len(text) > 1000 for text in row) or len(name) > 64:
            reader.fail("focus_areas", N_("Keep a focus area's texts under 1000 characters."))
        key = at(keys, index)
        if not key or key not in known_keys or key in (a.key for a in areas):
            key = next_key(taken + [a.key for a in areas], floor=area_seq)
        taken.append(key)
        areas.append(
            FocusArea(key, name, description, (levels[0], levels[1], levels[2], levels[3]))
        )
    if len(areas) > MAX_AREAS:
        reader.fail("focus_areas", TOO_MANY_AREAS, {"max": MAX_AREAS})
    lowered = [a.name.casefold() for a in areas]
    if len(set(lowered)) != len(lowered):
        reader.fail("focus_areas", SAME_AREA_TWICE)
    return tuple(areas)


def _questions(reader: FormReader, form: RawForm) -> tuple[Question, ...]:
    texts = [text for text in _texts(form, "question") if text]
    if len(texts) > MAX_QUESTIONS:
        reader.fail("questions", TOO_MANY_QUESTIONS, {"max": MAX_QUESTIONS})
    if any(_has_control(text, True) for text in texts):
        reader.fail("questions", BAD_CHARACTERS)
    elif any(len(text) > 2000 for text in texts):
        reader.fail("questions", N_("Keep each question under 2000 characters."))
    return tuple(Question(text) for text in texts)
