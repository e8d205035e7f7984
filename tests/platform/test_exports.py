"""`portal.platform.__all__` is the public surface, and the package stands alone."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import portal.platform
from portal.platform import errors

PACKAGE = Path(portal.platform.__file__).parent


def test_exports_all_names_resolve_and_are_unique() -> None:
    assert len(portal.platform.__all__) == len(set(portal.platform.__all__))
    for name in portal.platform.__all__:
        assert hasattr(portal.platform, name), name


def test_exports_every_error_class() -> None:
    classes = {
        name
        for name, value in inspect.getmembers(errors, inspect.isclass)
        if issubclass(value, Exception) and value.__module__ == errors.__name__
    }
    assert classes <= set(portal.platform.__all__)


def test_exports_no_private_names() -> None:
    assert not [name for name in portal.platform.__all__ if name.startswith("_")]


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_package_imports_nothing_else_from_portal() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for name in _imported_modules(path)
        if (name == "portal" or name.startswith("portal."))
        and not name.startswith("portal.platform")
    ]
    assert offenders == []
