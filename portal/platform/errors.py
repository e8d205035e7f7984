"""Errors raised by the interview-platform client.

Every failed platform call surfaces as one exception from this tree; `errmsg` is kept whole
for logs and never parsed::

    PlatformError(errcode, errmsg, path)    any errcode != 0 not listed below; .transient False
    ├── InvalidCredentials                  10001, or HTTP 401 without an envelope   permanent
    ├── RateLimited                         10002 (.retry_after = 1 s)               transient
    ├── InvalidRequest                      10003 (a field the platform refuses)     permanent
    ├── RoomNotFound                        10004 (a room uid it does not know)      permanent
    ├── SystemBusy                          -1                                       transient
    ├── UnexpectedAnswer                    errcode 0, but `data` is not what the doc says
    │                                       (missing uid / candidate_url, wrong types) permanent
    └── PlatformUnavailable                 transport error, timeout, HTTP 5xx, a body that is
                                            not a JSON envelope; .request_sent      transient

`transient` tells a caller (the outbox) whether trying again later can succeed;
`retry_after` is the shortest sensible wait in seconds when the error implies one. The
codes are ours (the platform's documentation only promises "errcode 0 is success").
"""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar


class ErrCode(IntEnum):
    """The errcodes the client branches on."""

    SYSTEM_BUSY = -1
    OK = 0
    INVALID_CREDENTIALS = 10001
    RATE_LIMITED = 10002
    INVALID_REQUEST = 10003
    ROOM_NOT_FOUND = 10004


class PlatformError(Exception):
    """The platform answered with an errcode other than 0, or could not be used."""

    transient: ClassVar[bool] = False

    def __init__(self, errcode: int | None, errmsg: str, path: str) -> None:
        super().__init__(errcode, errmsg, path)
        self.errcode = errcode
        self.errmsg = errmsg
        self.path = path

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait before trying again, when the error implies a minimum."""
        return None

    def __str__(self) -> str:
        return f"{self.path}: errcode {self.errcode}: {self.errmsg}"


class InvalidCredentials(PlatformError):
    """The API key was refused: a configuration error, not worth retrying."""


class RateLimited(PlatformError):
    """10002: too many calls; wait at least `retry_after` seconds."""

    transient = True

    @property
    def retry_after(self) -> float:
        return 1.0


class InvalidRequest(PlatformError):
    """10003: the platform refused a field (missing name, too many interviewers, bad URL…)."""


class RoomNotFound(PlatformError):
    """10004: no interview room with that uid (deleted on the platform, or never made)."""


class SystemBusy(PlatformError):
    """-1: the platform is busy; a retry with backoff usually succeeds."""

    transient = True


class UnexpectedAnswer(PlatformError):
    """A well-formed success envelope whose `data` does not have the documented shape."""

    def __init__(self, errmsg: str, path: str) -> None:
        super().__init__(ErrCode.OK, errmsg, path)

    def __str__(self) -> str:
        return f"{self.path}: unexpected answer: {self.errmsg}"


class PlatformUnavailable(PlatformError):
    """No usable answer: connection error, timeout, HTTP 5xx, or a body that is not an envelope.

    `request_sent` is False only when the request certainly never reached the platform
    (connect failure); after a read timeout a room may well have been created.
    """

    transient = True

    def __init__(
        self,
        errmsg: str,
        path: str,
        *,
        status_code: int | None = None,
        request_sent: bool = True,
    ) -> None:
        super().__init__(None, errmsg, path)
        self.status_code = status_code
        self.request_sent = request_sent

    def __str__(self) -> str:
        status = f" (HTTP {self.status_code})" if self.status_code is not None else ""
        return f"{self.path}: platform unavailable{status}: {self.errmsg}"


_BY_CODE: dict[int, type[PlatformError]] = {
    ErrCode.SYSTEM_BUSY: SystemBusy,
    ErrCode.INVALID_CREDENTIALS: InvalidCredentials,
    ErrCode.RATE_LIMITED: RateLimited,
    ErrCode.INVALID_REQUEST: InvalidRequest,
    ErrCode.ROOM_NOT_FOUND: RoomNotFound,
}


def error_for(errcode: int, errmsg: str, path: str) -> PlatformError:
    """The exception for an error answer; an unknown non-zero errcode is a permanent error."""
    return _BY_CODE.get(errcode, PlatformError)(errcode, errmsg, path)
