"""Words, dates and times in the recipient's language and time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time

from portal.i18n import Language


def clip(text: str | None, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis (free text from people)."""
    value = " ".join((text or "").split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass(frozen=True)
class Voice:
    language: Language
    zone: str

    def t(self, msgid: str, /, **params: object) -> str:
        # `t` is a Babel extraction keyword (scripts/i18n, tests/test_i18n.py): pass literals.
        text = self.language.translations.gettext(msgid)
        return text % params if params else text

    def day(self, moment: datetime) -> str:
        """e.g. "Wed, Mar 4" / "3月4日周三", in the recipient's zone."""
        local = moment.astimezone(ZoneInfo(self.zone))
        return format_skeleton("MMMEd", local, locale=self.language.babel_locale)

    def clock(self, moment: datetime) -> str:
        return format_time(
            moment, "short", tzinfo=ZoneInfo(self.zone), locale=self.language.babel_locale
        )

    def hours(self, start: datetime, end: datetime) -> str:
        return f"{self.clock(start)}–{self.clock(end)}"

    def span(self, start: datetime, end: datetime) -> str:
        return f"{self.day(start)} {self.hours(start, end)}"
