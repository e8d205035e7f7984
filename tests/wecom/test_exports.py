"""`portal.wecom.__all__` is the public surface: complete, importable, no duplicates."""

from __future__ import annotations

import inspect

import portal.wecom
from portal.wecom import errors


def test_all_names_resolve_and_are_unique() -> None:
    assert len(portal.wecom.__all__) == len(set(portal.wecom.__all__))
    for name in portal.wecom.__all__:
        assert hasattr(portal.wecom, name), name


def test_all_exports_every_error_class() -> None:
    classes = {
        name
        for name, value in inspect.getmembers(errors, inspect.isclass)
        if issubclass(value, Exception) and value.__module__ == errors.__name__
    }
    assert classes <= set(portal.wecom.__all__)


def test_all_has_no_private_names() -> None:
    assert not [name for name in portal.wecom.__all__ if name.startswith("_")]
