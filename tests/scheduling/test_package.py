from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from babel.messages.extract import extract_from_dir

import portal.scheduling as scheduling
from portal.scheduling import DomainError, conflicts, fields, states, timezones
from portal.scheduling.messages import N_

PACKAGE = Path(scheduling.__file__).parent


def _extracted() -> set[str]:
    found = extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")])
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def test_n_marker_returns_message_unchanged() -> None:
    assert N_("Hello") == "Hello"


def test_domain_error_formats_params_and_keeps_status() -> None:
    error = DomainError("Use at most %(max)s characters.", {"max": 5}, status=409)
    assert (str(error), error.params, error.status) == (
        "Use at most 5 characters.",
        {"max": 5},
        409,
    )
    assert DomainError("Plain.").status == 422


def test_babel_extracts_module_msgids_including_concatenated() -> None:
    extracted = _extracted()
    expected = {
        fields.REQUIRED,
        timezones.NONEXISTENT_TIME,
        conflicts.INTERVIEWER_TOO_CLOSE,
        *states.STATUS_LABELS.values(),
    }
    assert expected <= extracted


def test_babel_extracted_msgids_format_with_any_params() -> None:
    for message in _extracted():
        assert isinstance(message % defaultdict(int), str), message


def test_package_all_names_resolve_and_are_unique() -> None:
    assert len(set(scheduling.__all__)) == len(scheduling.__all__)
    for name in scheduling.__all__:
        assert getattr(scheduling, name) is not None


def test_package_never_reads_the_clock_or_does_io() -> None:
    banned = re.compile(r"\.now\(|utcnow|today\(\)|time\.time|\bopen\(|import (httpx|sqlalchemy)")
    for path in PACKAGE.glob("*.py"):
        assert not banned.search(path.read_text()), path.name
