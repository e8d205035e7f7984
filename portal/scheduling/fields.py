"""Reading raw form values into typed values, collecting every field error at once.

A `FormReader` never raises while reading: each bad field records its msgid and reading goes
on, so the form comes back with all its errors. A reader returns None for a missing or
unreadable value; call `finish()`, which raises if anything was recorded, before relying on
a required value.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from datetime import date, datetime, time
from typing import Protocol, TypeVar
from urllib.parse import urlsplit

from portal.errors import DomainError
from portal.scheduling.messages import N_
from portal.scheduling.timezones import (
    DayOutOfRange,
    NonexistentLocalTime,
    UnknownTimeZone,
    in_supported_range,
    local_to_utc,
    zone,
)

REQUIRED = N_("This field is required.")
TOO_LONG = N_("Use at most %(max)s characters.")
BAD_CHARACTERS = N_("This text contains characters that are not allowed.")
NOT_A_NUMBER = N_("Enter a whole number.")
OUT_OF_RANGE = N_("Enter a number from %(min)s to %(max)s.")
BAD_CHOICE = N_("Choose one of the options.")
BAD_DATE = N_("Enter a date as YYYY-MM-DD.")
BAD_TIME = N_("Enter a time as HH:MM.")
BAD_PHONE = N_("Enter a phone number: 5 to 32 digits, spaces or dashes, with an optional +.")
BAD_EMAIL = N_("Enter an email address such as name@example.com.")
BAD_URL = N_("Enter a link that starts with http:// or https://.")
INVALID_FORM = N_("Please correct the highlighted fields.")

MAX_ID = 2**31 - 1  # PostgreSQL `integer`
_INTEGER = re.compile(r"-?[0-9]{1,10}")
_ID = re.compile(r"[1-9][0-9]{0,9}")  # ASCII only: str.isdigit() also takes "²"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"[0-9]{2}:[0-9]{2}(:[0-9]{2})?")
_PHONE = re.compile(r"\+?[0-9](?:[0-9 -]*[0-9])?")
_EMAIL = re.compile(r"[^@\s]+@(?:[^@\s.]+\.)+[^@\s.]+")
_CHECKED = frozenset({"on", "true", "1", "yes"})
_T = TypeVar("_T")


def parse_id(raw: str) -> int | None:
    """`raw` as a database id (1 to `MAX_ID`, plain ASCII digits), else None."""
    return int(raw) if _ID.fullmatch(raw) and int(raw) <= MAX_ID else None


def parse_day(raw: str) -> date | None:
    """`raw` (YYYY-MM-DD) as a day in the supported range, else None."""
    with suppress(ValueError):
        if _DATE.fullmatch(raw) and in_supported_range(day := date.fromisoformat(raw)):
            return day
    return None


class RawForm(Protocol):
    """What the readers need from a form; Starlette's `FormData` fits."""

    def get(self, key: str, /) -> object: ...

    def getlist(self, key: str, /) -> Sequence[object]: ...


class ValidationFailed(DomainError):
    """`errors` maps field name to msgid; `error_params` holds the msgids' placeholders."""

    status = 422

    def __init__(
        self, errors: Mapping[str, str], error_params: Mapping[str, Mapping[str, object]]
    ) -> None:
        super().__init__(INVALID_FORM, {"count": len(errors)})
        self.errors = dict(errors)
        self.error_params = {name: dict(params) for name, params in error_params.items()}


def _has_control(text: str, multiline: bool) -> bool:
    allowed = "\n\t" if multiline else ""
    return any(unicodedata.category(char) == "Cc" and char not in allowed for char in text)


class FormReader:
    def __init__(self, form: RawForm) -> None:
        self._form = form
        self.errors: dict[str, str] = {}
        self.error_params: dict[str, dict[str, object]] = {}

    def fail(self, name: str, message: str, params: Mapping[str, object] | None = None) -> None:
        """Record an error for `name`; the first one per field wins."""
        if name not in self.errors:
            self.errors[name] = message
            self.error_params[name] = dict(params or {})

    def finish(self) -> None:
        """Raise `ValidationFailed` with every recorded error, if any."""
        if self.errors:
            raise ValidationFailed(self.errors, self.error_params)

    def raw(self, name: str) -> str:
        value = self._form.get(name)
        # A file upload where text belongs reads as empty; browsers send CRLF in textareas.
        return value.strip().replace("\r\n", "\n") if isinstance(value, str) else ""

    def text(
        self, name: str, *, max_len: int, required: bool = False, multiline: bool = False
    ) -> str | None:
        value = self.raw(name)
        if not value:
            if required:
                self.fail(name, REQUIRED)
            return None
        if _has_control(value, multiline):
            self.fail(name, BAD_CHARACTERS)
        elif len(value) > max_len:
            self.fail(name, TOO_LONG, {"max": max_len})
        return value

    def integer(self, name: str, *, low: int, high: int, required: bool = True) -> int | None:
        value = self.raw(name)
        if not value:
            if required:
                self.fail(name, REQUIRED)
            return None
        if not _INTEGER.fullmatch(value):
            self.fail(name, NOT_A_NUMBER)
            return None
        number = int(value)
        if not low <= number <= high:
            self.fail(name, OUT_OF_RANGE, {"min": low, "max": high})
        return number

    def identifiers(self, name: str) -> list[int]:
        """Every non-empty value of a multi-valued field, as positive database ids."""
        values = [v.strip() for v in self._form.getlist(name) if isinstance(v, str) and v.strip()]
        ids = [number for v in values if (number := parse_id(v)) is not None]
        if len(ids) != len(values):
            self.fail(name, BAD_CHOICE)
        return ids

    def choice(self, name: str, options: Mapping[str, _T], *, required: bool = True) -> _T | None:
        value = self.raw(name)
        if value in options:
            return options[value]
        if value or required:
            self.fail(name, BAD_CHOICE if value else REQUIRED)
        return None

    def checkbox(self, name: str) -> bool:
        return self.raw(name).lower() in _CHECKED

    def day(self, name: str) -> date | None:
        day = self._parsed(name, _DATE, date.fromisoformat, BAD_DATE)
        if day is not None and not in_supported_range(day):
            refused = DayOutOfRange()
            self.fail(name, refused.message, refused.params)
            return None
        return day

    def clock(self, name: str) -> time | None:
        return self._parsed(name, _TIME, time.fromisoformat, BAD_TIME)

    def _parsed(
        self, name: str, pattern: re.Pattern[str], parse: Callable[[str], _T], message: str
    ) -> _T | None:
        value = self.raw(name)
        if not value:
            self.fail(name, REQUIRED)
            return None
        # The pattern first: fromisoformat also takes forms no browser sends ("20260308").
        with suppress(ValueError):
            if pattern.fullmatch(value):
                return parse(value)
        self.fail(name, message)
        return None

    def timezone(self, name: str) -> str | None:
        value = self.raw(name)
        if not value:
            self.fail(name, REQUIRED)
            return None
        try:
            zone(value)
        except UnknownTimeZone as exc:
            self.fail(name, exc.message, exc.params)
            return None
        return value

    def phone(self, name: str) -> str | None:
        # NFKC turns the full-width digits of Chinese input methods into ASCII ones.
        value = unicodedata.normalize("NFKC", self.raw(name))
        if value and not (5 <= len(value) <= 32 and _PHONE.fullmatch(value)):
            self.fail(name, BAD_PHONE)
        return value or None

    def email(self, name: str) -> str | None:
        value = self.raw(name)
        if value and not (len(value) <= 254 and _EMAIL.fullmatch(value)):
            self.fail(name, BAD_EMAIL)
        return value or None

    def url(self, name: str, *, max_len: int) -> str | None:
        value = self.raw(name)
        if not value:
            return None
        if len(value) > max_len:
            self.fail(name, TOO_LONG, {"max": max_len})
        elif not _is_web_url(value):
            self.fail(name, BAD_URL)
        return value

    def local_start(self, date_name: str, time_name: str, tz_name: str) -> datetime | None:
        """The UTC instant of a local date + time in the form's time zone."""
        day, clock, tz = self.day(date_name), self.clock(time_name), self.timezone(tz_name)
        if day is None or clock is None or tz is None:
            return None
        try:
            return local_to_utc(datetime.combine(day, clock), tz)
        except NonexistentLocalTime as exc:
            self.fail(time_name, exc.message, exc.params)
            return None


def _is_web_url(value: str) -> bool:
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in value):
        return False
    try:
        parts = urlsplit(value)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
