from __future__ import annotations

import pytest

from portal.directory.errors import (
    NotAMember,
    SignInExpired,
    WeComMisconfigured,
    WeComUnreachable,
    from_wecom,
)
from portal.errors import PortalError
from portal.wecom.errors import WeComError, WeComUnavailable, error_for


@pytest.mark.parametrize(
    ("errcode", "path", "outcome", "status"),
    [
        (40029, "auth/getuserinfo", SignInExpired, 400),
        (60111, "user/get", NotAMember, 403),
        (46004, "user/get", NotAMember, 403),
        (-1, "user/get", WeComUnreachable, 503),
        (45009, "user/list", WeComUnreachable, 503),
        (45033, "user/list", WeComUnreachable, 503),
        (42001, "user/get", WeComMisconfigured, 503),
        (40001, "gettoken", WeComMisconfigured, 503),
        (40013, "gettoken", WeComMisconfigured, 503),
        (60020, "auth/getuserinfo", WeComMisconfigured, 503),
        (60011, "user/get", WeComMisconfigured, 503),
        (50001, "auth/getuserinfo", WeComMisconfigured, 503),
        (81013, "message/send", WeComUnreachable, 503),
        (12345, "user/get", WeComUnreachable, 503),
    ],
)
def test_from_wecom_errcode_maps_to_portal_error(
    errcode: int, path: str, outcome: type[PortalError], status: int
) -> None:
    refusal = from_wecom(error_for(errcode, "errmsg", path))
    assert type(refusal) is outcome and refusal.status == status


def test_from_wecom_transport_failure_is_unreachable() -> None:
    assert type(from_wecom(WeComUnavailable("timeout", "user/get"))) is WeComUnreachable


def test_from_wecom_logs_errcode_but_not_errmsg(caplog: pytest.LogCaptureFixture) -> None:
    from_wecom(WeComError(60020, "from ip 10.0.0.1 code=secret-code", "auth/getuserinfo"))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "60020" in logged and "secret-code" not in logged
