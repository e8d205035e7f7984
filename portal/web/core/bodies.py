"""Reading a request body with a limit, and refusing form text that is not UTF-8."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import unquote_to_bytes

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from portal.errors import BadRequest
from portal.i18n import N_

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks


class BodyTooLarge(Exception):
    """The body (declared or received) is over the limit, or its declared length is bad."""


async def read_limited(request: Request, max_bytes: int) -> bytes:
    """The raw body, refusing early on a declared length and again while it streams."""
    declared = request.headers.get("content-length", "")
    if declared and (not declared.isdigit() or int(declared) > max_bytes):
        raise BodyTooLarge()
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > max_bytes:
            raise BodyTooLarge()
    return bytes(received)


class NotUtf8(BadRequest):
    message = N_(
        "The form contained text that is not valid UTF-8. Check what you pasted and send it again."
    )


URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


async def require_utf8_form(request: Request) -> None:
    """Raise NotUtf8 if a form's names or values are not UTF-8.

    Starlette would store them as replacement characters (urlencoded) or as Latin-1
    (multipart). The body is read here, under the route's cap, and parsed again from memory.
    """
    content_type = request.headers.get("content-type", "")
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == URLENCODED:
        valid = urlencoded_is_utf8(await request.body())
    elif kind == MULTIPART:
        valid = multipart_is_utf8(content_type, await request.body())
    else:
        return
    if not valid:
        raise NotUtf8()


def urlencoded_is_utf8(body: bytes) -> bool:
    pieces = (piece for pair in body.split(b"&") for piece in pair.split(b"=", 1))
    return all(_is_utf8(unquote_to_bytes(piece.replace(b"+", b" "))) for piece in pieces)


def multipart_is_utf8(content_type: str, body: bytes) -> bool:
    """Each part's headers, and the data of each field that is not a file, decode as UTF-8.

    A body the parser cannot read is left to Starlette, which refuses it with a 400.
    """
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        return True
    parts = _TextParts()
    try:
        MultipartParser(boundary, parts.callbacks()).write(body)
    except MultipartParseError:
        return True
    return parts.valid


class _TextParts:
    """python-multipart callbacks that check the text of a form as it is parsed."""

    def __init__(self) -> None:
        self.valid = True
        self._field = bytearray()
        self._value = bytearray()
        self._data = bytearray()
        self._is_file = False

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda data, start, end: self._field.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self._value.extend(data[start:end]),
            "on_header_end": self._header_end,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _part_begin(self) -> None:
        self._data.clear()
        self._is_file = False

    def _header_end(self) -> None:
        self.valid = self.valid and _is_utf8(bytes(self._value))
        if bytes(self._field).lower() == b"content-disposition":
            _, options = parse_options_header(bytes(self._value))
            self._is_file = b"filename" in options
        self._field.clear()
        self._value.clear()

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._is_file:  # a file's bytes are the file's business
            self._data.extend(data[start:end])

    def _part_end(self) -> None:
        if not self._is_file:
            self.valid = self.valid and _is_utf8(bytes(self._data))


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
