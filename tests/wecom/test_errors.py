"""errcode → exception class, and what each class tells the outbox."""

from __future__ import annotations

import pytest

from portal.wecom import errors
from portal.wecom.errors import (
    AccessTokenInvalid,
    AllRecipientsInvalid,
    ConcurrencyLimited,
    InvalidCode,
    InvalidCredentials,
    IpNotAllowed,
    PermissionDenied,
    RateLimited,
    SystemBusy,
    UnknownUser,
    WeComError,
    WeComUnavailable,
    error_for,
)

ERRCODE_TABLE = [
    (40014, "message/send", AccessTokenInvalid, True),
    (42001, "message/send", AccessTokenInvalid, True),
    (40001, "user/get", AccessTokenInvalid, True),
    (40001, "gettoken", InvalidCredentials, False),
    (40013, "gettoken", InvalidCredentials, False),
    (40091, "gettoken", InvalidCredentials, False),
    (41002, "gettoken", InvalidCredentials, False),
    (41004, "gettoken", InvalidCredentials, False),
    (45009, "message/send", RateLimited, True),
    (45033, "user/get", ConcurrencyLimited, True),
    (-1, "user/get", SystemBusy, True),
    (60020, "message/send", IpNotAllowed, True),
    (48002, "message/send", PermissionDenied, False),
    (50003, "message/send", PermissionDenied, False),
    (301002, "message/send", PermissionDenied, False),
    (60011, "user/get", PermissionDenied, False),
    (40029, "auth/getuserinfo", InvalidCode, False),
    (60111, "user/get", UnknownUser, False),
    (46004, "user/get", UnknownUser, False),
    (81013, "message/send", AllRecipientsInvalid, False),
    (40058, "message/send", WeComError, False),
    (12345, "message/send", WeComError, False),
]


@pytest.mark.parametrize(("errcode", "path", "cls", "transient"), ERRCODE_TABLE)
def test_error_for_errcode_maps_to_class(
    errcode: int, path: str, cls: type[WeComError], transient: bool
) -> None:
    error = error_for(errcode, "some text, hint: [x], from ip: 1.2.3.4", path)
    assert type(error) is cls
    assert error.errcode == errcode
    assert error.path == path
    assert error.transient is transient


def test_error_errmsg_kept_whole_in_str() -> None:
    errmsg = "invalid credential, hint: [1700000000_1_abc], from ip: 1.2.3.4, more info at x"
    error = error_for(40014, errmsg, "user/get")
    assert error.errmsg == errmsg
    assert str(error) == f"user/get: errcode 40014: {errmsg}"


def test_rate_limited_retry_after_at_least_a_minute() -> None:
    assert error_for(45009, "", "message/send").retry_after == 60.0
    assert RateLimited(45009, "", "message/send", retry_after=5).retry_after == 60.0
    assert RateLimited(45009, "", "message/send", retry_after=3600).retry_after == 3600.0


def test_ip_not_allowed_retry_after_is_slow() -> None:
    retry_after = error_for(60020, "", "message/send").retry_after
    assert retry_after is not None and retry_after >= 60


def test_unavailable_has_no_errcode_and_is_transient() -> None:
    error = WeComUnavailable("ReadTimeout", "message/send", request_sent=True)
    assert error.errcode is None and error.transient and error.request_sent
    assert "message/send" in str(error) and "ReadTimeout" in str(error)


def test_message_too_long_names_field_and_sizes() -> None:
    error = errors.MessageTooLong("text.content", 2048, 2050)
    assert isinstance(error, errors.InvalidMessage) and isinstance(error, ValueError)
    assert (error.field, error.limit, error.actual) == ("text.content", 2048, 2050)
