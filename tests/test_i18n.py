from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from portal.i18n import LOCALE_DIR, Catalogs, negotiate, normalise

REPO = Path(__file__).resolve().parents[1]


def extracted_ids() -> set[str]:
    ids: set[str] = set()
    for directory, method_map, options in [
        (REPO / "portal", [("**.py", "python")], {}),
        (
            REPO / "templates",
            [("**.html", "jinja2")],
            {"**.html": {"extensions": "jinja2.ext.i18n"}},
        ),
    ]:
        for _file, _line, message, _comments, _context in extract_from_dir(
            directory,
            method_map,
            options_map=options,
            keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "t": None},
        ):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def is_translated(string: str | Sequence[str] | None) -> bool:
    """A message's translation is there: its one string, or every plural form."""
    if isinstance(string, str):
        return bool(string)
    return string is not None and all(string)


def test_chinese_catalog_translates_every_message() -> None:
    """Run scripts/i18n and translate the new entries when this fails."""
    with (LOCALE_DIR / "zh" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and is_translated(m.string) and "fuzzy" not in m.flags
    }
    missing = sorted(extracted_ids() - translated)
    assert missing == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("en", "en"),
        ("zh-Hans-CN", "zh"),
        ("zh_CN", "zh"),
        ("de, en;q=0.2, zh;q=0.8", "zh"),
        ("en;q=0, zh;q=0.1", "zh"),
        ("en;q=bogus, zh", "zh"),
        ("ja, ko", None),
    ],
)
def test_negotiate_accept_language_table(header: str | None, expected: str | None) -> None:
    assert negotiate(header) == expected


def test_normalise_unknown_is_none() -> None:
    assert normalise("xx") is None and normalise(None) is None


def test_catalogs_unknown_code_falls_back_to_chinese() -> None:
    language = Catalogs().get("xx")
    assert language.code == "zh"
    assert language.gettext("Interview Portal") == "面试官门户"
    assert language.gettext("Your time zone: %(zone)s", zone="UTC") == "您的时区：UTC"
