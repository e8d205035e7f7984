"""The error tree: errcodes to classes, transient flags, waits and messages."""

from __future__ import annotations

import pytest

from portal.platform import (
    ErrCode,
    InvalidCredentials,
    InvalidRequest,
    PlatformError,
    PlatformUnavailable,
    RateLimited,
    RoomNotFound,
    SystemBusy,
    UnexpectedAnswer,
    error_for,
)


@pytest.mark.parametrize(
    ("errcode", "cls", "transient"),
    [
        (10001, InvalidCredentials, False),
        (10002, RateLimited, True),
        (10003, InvalidRequest, False),
        (10004, RoomNotFound, False),
        (-1, SystemBusy, True),
        (99999, PlatformError, False),
    ],
)
def test_error_for_errcode_picks_class(
    errcode: int, cls: type[PlatformError], transient: bool
) -> None:
    error = error_for(errcode, "message from the platform", "interviews")
    assert type(error) is cls
    assert error.transient is transient
    assert (error.errcode, error.errmsg, error.path) == (
        errcode,
        "message from the platform",
        "interviews",
    )


def test_error_rate_limited_waits_a_second() -> None:
    assert error_for(ErrCode.RATE_LIMITED, "slow down", "exams").retry_after == 1.0
    assert error_for(ErrCode.SYSTEM_BUSY, "busy", "exams").retry_after is None


def test_error_unavailable_is_transient_and_says_why() -> None:
    error = PlatformUnavailable("ReadTimeout", "interviews", request_sent=True)
    assert error.transient and error.request_sent and error.errcode is None
    assert str(error) == "interviews: platform unavailable: ReadTimeout"
    with_status = PlatformUnavailable("HTTP 502", "exams", status_code=502)
    assert "(HTTP 502)" in str(with_status)


def test_error_unexpected_answer_is_permanent() -> None:
    error = UnexpectedAnswer("data.uid must be a non-empty string", "interviews")
    assert isinstance(error, PlatformError) and not error.transient
    assert error.errcode == ErrCode.OK
    assert str(error) == "interviews: unexpected answer: data.uid must be a non-empty string"


def test_error_str_names_path_and_errcode() -> None:
    assert str(error_for(10004, "no interview", "interviews/ABC")) == (
        "interviews/ABC: errcode 10004: no interview"
    )
