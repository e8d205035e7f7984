"""Languages: Simplified Chinese (default) and English, from Babel catalogs.

Message ids are English. Catalogs live in `portal/locale/<code>/LC_MESSAGES/messages.po` and
are compiled in memory when the app starts, so no build step stands between an edit and a run.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
DEFAULT_LANGUAGE = "zh"
# UI language code -> the Babel locale used for dates and numbers.
LANGUAGES: dict[str, str] = {"zh": "zh_Hans_CN", "en": "en_US"}
LANGUAGE_NAMES: dict[str, str] = {"zh": "中文", "en": "English"}


def N_(message: str) -> str:
    """Mark a message id for extraction; it is translated later, where the viewer is known."""
    return message


@dataclass(frozen=True)
class Language:
    code: str
    translations: NullTranslations

    @property
    def babel_locale(self) -> Locale:
        return Locale.parse(LANGUAGES[self.code])

    def gettext(self, message: str, **params: object) -> str:
        text = self.translations.gettext(message)
        return text % params if params else text

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        text = self.translations.ngettext(singular, plural, n)
        return text % {"num": n, **params}


class Catalogs:
    """The compiled translations for every supported language."""

    def __init__(self, locale_dir: Path = LOCALE_DIR) -> None:
        self._languages = {code: Language(code, _load(locale_dir, code)) for code in LANGUAGES}

    def get(self, code: str | None) -> Language:
        return self._languages.get(code or "", self._languages[DEFAULT_LANGUAGE])


def _load(locale_dir: Path, code: str) -> NullTranslations:
    po_path = locale_dir / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.is_file():
        return NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=LANGUAGES[code])
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def normalise(code: str | None) -> str | None:
    """Map a tag such as `zh-Hans-CN`, `zh_CN` or `en-GB` to a supported code, else None."""
    if not code:
        return None
    primary = code.replace("_", "-").split("-")[0].strip().lower()
    if primary == "zh":
        # Traditional-script tags still get Simplified: it is the only Chinese we ship.
        return "zh"
    return primary if primary in LANGUAGES else None


def negotiate(accept_language: str | None) -> str | None:
    """The best supported language in an Accept-Language header, honouring q-values."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        code = normalise(tag)
        if code and quality > 0:
            ranked.append((-quality, index, code))
    return min(ranked)[2] if ranked else None
