"""The package layout a newcomer can rely on: SQL lives in `portal/db/` and nowhere else, and
each web area declares its routes in one place, its package's `__init__.py`."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import portal

PACKAGE = Path(portal.__file__).parent
SQL_HOME = PACKAGE / "db"
WEB = PACKAGE / "web"
BANNED = ("portal.db.tables", "sqlalchemy")


def _imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _is_banned(name: str) -> bool:
    return any(name == banned or name.startswith(f"{banned}.") for banned in BANNED)


def test_layout_sql_outside_db_is_flagged() -> None:
    assert _is_banned("sqlalchemy.engine") and _is_banned("portal.db.tables")
    assert not _is_banned("portal.db.people") and not _is_banned("sqlalchemy_utils")


def test_layout_only_db_imports_tables_or_sqlalchemy() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}: {name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if not path.is_relative_to(SQL_HOME)
        for name in _imports(path)
        if _is_banned(name)
    ]
    assert offenders == []


def _calls_route(path: Path) -> bool:
    tree = ast.parse(path.read_text(), filename=str(path))
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "route"
        for node in ast.walk(tree)
    )


def test_layout_routes_are_declared_only_in_area_packages() -> None:
    declaring = sorted(
        str(path.relative_to(WEB)) for path in WEB.rglob("*.py") if _calls_route(path)
    )
    areas = sorted(
        f"{path.parent.name}/__init__.py"
        for path in WEB.glob("*/__init__.py")
        if path.parent.name != "core"
    )
    assert declaring == areas
