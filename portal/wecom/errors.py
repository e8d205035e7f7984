"""Errors raised by the WeCom client.

Every failed WeCom call surfaces as one exception from this tree; `errmsg` is kept whole
for logs and never parsed (WeCom changes its wording and appends hints)::

    WeComError(errcode, errmsg, path)       any errcode != 0 not listed below; .transient False
    ├── AccessTokenInvalid                  40014, 42001, 40001 outside gettoken      transient
    ├── InvalidCredentials                  gettoken 40001, 40013, 40091, 41002, 41004  permanent
    ├── RateLimited                         45009 (.retry_after ≥ 60 s)               transient
    ├── ConcurrencyLimited                  45033                                      transient
    ├── SystemBusy                          -1                                         transient
    ├── IpNotAllowed                        60020 (an admin must add our IP)          slow transient
    ├── PermissionDenied                    48002, 50001, 50003, 60011, 301002        permanent
    ├── InvalidCode                         40029 (OAuth code expired or reused)      permanent
    ├── UnknownUser                         60111, 46004                               permanent
    ├── AllRecipientsInvalid                81013, 82001                               permanent
    └── WeComUnavailable                    transport error, timeout, non-200, bad JSON transient

    InvalidMessage(ValueError)              a message fails WeCom's rules before sending
    └── MessageTooLong                      a field is over its byte/character limit

`transient` tells a caller (the outbox) whether retrying later can succeed; `retry_after`
is the shortest sensible wait in seconds when the error says so.
"""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar

GETTOKEN_PATH = "gettoken"


class ErrCode(IntEnum):
    """The errcodes the client branches on (WeCom global error code page, path 90313)."""

    SYSTEM_BUSY = -1
    OK = 0
    INVALID_CREDENTIAL = 40001
    INVALID_CORPID = 40013
    INVALID_ACCESS_TOKEN = 40014
    INVALID_CODE = 40029
    INVALID_SECRET = 40091
    MISSING_CORPID = 41002
    MISSING_SECRET = 41004
    ACCESS_TOKEN_EXPIRED = 42001
    USER_NOT_EXIST = 46004
    FREQUENCY_LIMITED = 45009
    CONCURRENCY_LIMITED = 45033
    API_UNAUTHORIZED = 48002
    REDIRECT_DOMAIN_MISMATCH = 50001
    APP_DISABLED = 50003
    NO_CONTACT_PERMISSION = 60011
    IP_NOT_ALLOWED = 60020
    UNKNOWN_USERID = 60111
    ALL_RECIPIENTS_INVALID = 81013
    ALL_TARGETS_INVALID = 82001
    APP_MISMATCH = 301002


class WeComError(Exception):
    """WeCom answered with an errcode other than 0, or could not be reached."""

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


class AccessTokenInvalid(WeComError):
    """The access token was rejected (invalid, expired, or revoked early by WeCom)."""

    transient = True


class InvalidCredentials(WeComError):
    """gettoken refused the corp id or secret: a configuration error, not worth retrying."""


class RateLimited(WeComError):
    """45009: frequency limit hit; WeCom blocks for at least a minute, so never retry hot."""

    transient = True
    MIN_RETRY_AFTER: ClassVar[float] = 60.0

    def __init__(
        self, errcode: int | None, errmsg: str, path: str, *, retry_after: float = 60.0
    ) -> None:
        super().__init__(errcode, errmsg, path)
        self._retry_after = max(retry_after, self.MIN_RETRY_AFTER)

    @property
    def retry_after(self) -> float:
        return self._retry_after


class ConcurrencyLimited(WeComError):
    """45033: too many calls in flight; back off briefly and reduce parallelism."""

    transient = True


class SystemBusy(WeComError):
    """-1: WeCom is busy; a retry with backoff usually succeeds."""

    transient = True


class IpNotAllowed(WeComError):
    """60020: our egress IP is not in the app's trusted IP list; an admin must add it."""

    transient = True

    @property
    def retry_after(self) -> float:
        return 300.0


class PermissionDenied(WeComError):
    """The app may not call this API or see this member (visible range, disabled app…)."""


class InvalidCode(WeComError):
    """40029: the OAuth code is expired, already used, or from another app."""


class UnknownUser(WeComError):
    """60111 / 46004: no member with that userid."""


class AllRecipientsInvalid(WeComError):
    """81013 / 82001: every recipient of a message is invalid; nothing was delivered."""


class WeComUnavailable(WeComError):
    """No usable answer: connection error, timeout, non-200 status, or a body that is not JSON.

    `request_sent` is False only when the request certainly never reached WeCom (connect
    failure); after a read timeout a message may have been delivered.
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
        return f"{self.path}: WeCom unavailable{status}: {self.errmsg}"


class InvalidMessage(ValueError):
    """A message or call argument breaks one of WeCom's rules; checked before sending."""


class MessageTooLong(InvalidMessage):
    """A field is longer than WeCom accepts (WeCom would otherwise truncate it silently)."""

    def __init__(self, field: str, limit: int, actual: int, unit: str = "bytes") -> None:
        super().__init__(f"{field} is {actual} {unit}, the limit is {limit} {unit}")
        self.field = field
        self.limit = limit
        self.actual = actual
        self.unit = unit


_BY_CODE: dict[int, type[WeComError]] = {
    ErrCode.INVALID_ACCESS_TOKEN: AccessTokenInvalid,
    ErrCode.ACCESS_TOKEN_EXPIRED: AccessTokenInvalid,
    ErrCode.INVALID_CREDENTIAL: AccessTokenInvalid,
    ErrCode.INVALID_CORPID: InvalidCredentials,
    ErrCode.INVALID_SECRET: InvalidCredentials,
    ErrCode.MISSING_CORPID: InvalidCredentials,
    ErrCode.MISSING_SECRET: InvalidCredentials,
    ErrCode.FREQUENCY_LIMITED: RateLimited,
    ErrCode.CONCURRENCY_LIMITED: ConcurrencyLimited,
    ErrCode.SYSTEM_BUSY: SystemBusy,
    ErrCode.IP_NOT_ALLOWED: IpNotAllowed,
    ErrCode.API_UNAUTHORIZED: PermissionDenied,
    ErrCode.REDIRECT_DOMAIN_MISMATCH: PermissionDenied,
    ErrCode.APP_DISABLED: PermissionDenied,
    ErrCode.NO_CONTACT_PERMISSION: PermissionDenied,
    ErrCode.APP_MISMATCH: PermissionDenied,
    ErrCode.INVALID_CODE: InvalidCode,
    ErrCode.UNKNOWN_USERID: UnknownUser,
    ErrCode.USER_NOT_EXIST: UnknownUser,
    ErrCode.ALL_RECIPIENTS_INVALID: AllRecipientsInvalid,
    ErrCode.ALL_TARGETS_INVALID: AllRecipientsInvalid,
}

# On gettoken, 40001 means "invalid secret", not "invalid token" (wecom-api.md §1.1).
_GETTOKEN_PERMANENT = frozenset({ErrCode.INVALID_CREDENTIAL})


def error_class(errcode: int, path: str) -> type[WeComError]:
    """The exception class for `errcode` returned by the API at `path` (e.g. "message/send")."""
    if path == GETTOKEN_PATH and errcode in _GETTOKEN_PERMANENT:
        return InvalidCredentials
    return _BY_CODE.get(errcode, WeComError)


def error_for(errcode: int, errmsg: str, path: str) -> WeComError:
    """Build the exception for a WeCom error answer."""
    return error_class(errcode, path)(errcode, errmsg, path)
