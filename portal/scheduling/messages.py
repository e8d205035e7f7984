"""Message ids and the error base of the scheduling domain.

User-facing text here is an English gettext msgid wrapped in `N_`, so Babel's extractor (its
default keywords include `N_`) collects it while the domain stays free of any locale. The web
layer translates `message` and then fills in `params` (`gettext(message) % params`).
"""

from __future__ import annotations

from collections.abc import Mapping


def N_(message: str) -> str:
    """Mark `message` for extraction; translation happens in the web layer."""
    return message


class DomainError(Exception):
    """A rule said no. `status` is the HTTP-ish code the web layer answers with."""

    status: int = 422

    def __init__(
        self,
        message: str,
        params: Mapping[str, object] | None = None,
        *,
        status: int | None = None,
    ) -> None:
        self.message = message
        self.params: dict[str, object] = dict(params or {})
        if status is not None:
            self.status = status
        super().__init__(message % self.params if self.params else message)
