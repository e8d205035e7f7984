"""Reply reasons: what an interviewer typed, or a code the portal stored for them.

A code is shown in the viewer's language; the people's own words are shown as written.
"""

from __future__ import annotations

from collections.abc import Callable

from portal.scheduling.messages import N_

CARD_DECLINED = "card:declined"  # Decline pressed on the WeCom card (it asks for no reason)

_CODES = {CARD_DECLINED: N_("Declined from the WeCom card")}
# Stored in English before codes existed; read as the code it stands for.
_LEGACY = {"declined from WeCom card": CARD_DECLINED}


def _same(message: str) -> str:
    return message


def rsvp_reason_text(reason: str | None, gettext: Callable[[str], str] = _same) -> str | None:
    """The reason to show: a code's msgid through `gettext` (untranslated without one), or the
    person's own words unchanged."""
    if reason is None:
        return None
    code = _LEGACY.get(reason, reason)
    return gettext(_CODES[code]) if code in _CODES else reason
