"""Message ids of the scheduling domain (its errors derive from `portal.errors.DomainError`).

User-facing text here is an English gettext msgid wrapped in `N_`, so Babel's extractor (its
default keywords include `N_`) collects it while the domain stays free of any locale. The web
layer translates `message` and then fills in `params` (`gettext(message) % params`).
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark `message` for extraction; translation happens in the web layer."""
    return message
