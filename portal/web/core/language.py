"""Which language a request is answered in: the person's setting, the switch, the browser."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from portal.i18n import DEFAULT_LANGUAGE, Catalogs, Language, negotiate, normalise

SESSION_KEY = "language"


def choose_language(conn: HTTPConnection, catalogs: Catalogs, preferred: str | None) -> Language:
    """`preferred` is the signed-in person's saved choice, if any."""
    code = (
        normalise(preferred)
        or normalise(conn.session.get(SESSION_KEY) if "session" in conn.scope else None)
        or negotiate(conn.headers.get("accept-language"))
        or DEFAULT_LANGUAGE
    )
    return catalogs.get(code)
