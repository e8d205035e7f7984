"""Database URLs: one setting, spelled for each driver that needs it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url

DEFAULT_SQLITE_FILE = "portal.db"


def default_url(workdir: Path | None = None) -> str:
    """The embedded default: a SQLite file in the working folder."""
    path = (workdir or Path.cwd()) / DEFAULT_SQLITE_FILE
    return f"sqlite:///{path}"


def parse(url: str) -> URL:
    """Parse and check a database URL; raise ValueError naming what is wrong."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with the URL inside
        raise ValueError("not a database URL (expected postgresql://… or sqlite:///…)") from exc
    backend = parsed.get_backend_name()
    if backend not in {"postgresql", "sqlite"}:
        raise ValueError(f"unsupported database {backend!r} (use postgresql or sqlite)")
    if backend == "sqlite" and not parsed.database:
        raise ValueError("a SQLite URL needs a file path, e.g. sqlite:///portal.db")
    return parsed


def async_driver_url(url: str) -> str:
    """The URL with the async driver SQLAlchemy and `databases` use: asyncpg or aiosqlite."""
    parsed = parse(url)
    driver = "asyncpg" if parsed.get_backend_name() == "postgresql" else "aiosqlite"
    return parsed.set(drivername=f"{parsed.get_backend_name()}+{driver}").render_as_string(
        hide_password=False
    )


def is_postgres(url: str) -> bool:
    return parse(url).get_backend_name() == "postgresql"


def redacted(url: str) -> str:
    """The URL safe for logs: the password is masked."""
    return parse(url).render_as_string(hide_password=True)
