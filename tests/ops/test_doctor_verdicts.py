"""The doctor's pure half: what a finding means, and how a report prints."""

from __future__ import annotations

import pytest

from portal.db.migrate import SchemaStatus, schema_status
from portal.doctor import Status
from portal.doctor import verdicts as v
from portal.doctor.report import exit_code, failed, format_line, format_report, passed, scrub
from portal.doctor.report import skipped as skip
from portal.wecom import AppInfo

APP = AppInfo(1000002, "面试助手", False, department_ids=(2,))
PARENTS: dict[int, int | None] = {1: None, 2: 1, 6: 2, 4: 1}


def test_format_line_puts_the_advice_after_the_finding() -> None:
    assert format_line(passed("gettoken", "token issued")) == "ok    gettoken: token issued"
    assert format_line(failed("SMTP", "cannot connect.", "Check SMTP_PORT.")) == (
        "FAIL  SMTP: cannot connect. Check SMTP_PORT."
    )
    assert format_line(skip("platform", "not configured")) == "skip  platform: not configured"


def test_exit_code_counts_failures_only() -> None:
    assert exit_code([passed("a", "x"), skip("b", "y")]) == 0
    assert exit_code([passed("a", "x"), failed("b", "y")]) == 1


def test_format_report_masks_secrets_and_sums_up() -> None:
    report = format_report([failed("gettoken", "sent tok-0123456789")], ["tok-0123456789"])
    assert report == "FAIL  gettoken: sent ***\n1 of 1 checks failed (0 skipped).\n"


def test_scrub_masks_longest_first_and_ignores_short_values() -> None:
    assert scrub("abcdefgh abcdefghij", ["abcdefgh", "abcdefghij"]) == "*** ***"
    assert scrub("ok ok", ["ok", ""]) == "ok ok"


@pytest.mark.parametrize(
    ("errmsg", "ip"),
    [
        (
            "not allow to access from your ip, hint: [x], from ip: 203.0.113.7, more info",
            "203.0.113.7",
        ),
        ("from ip: 2001:db8::1, more info at https://open.work.weixin.qq.com", "2001:db8::1"),
        ("from ip:198.51.100.20", "198.51.100.20"),
        ("from ip: 999.1.1.1, x", None),
        ("not allow to access from your ip", None),
    ],
)
def test_egress_ip_reads_the_ip_wecom_names(errmsg: str, ip: str | None) -> None:
    assert v.egress_ip(errmsg) == ip


def test_untrusted_ip_without_an_ip_still_says_where_to_add_it() -> None:
    result = v.untrusted_ip(v.TRUSTED_IP, "not allow to access from your ip")
    assert result.status is Status.FAIL and "WeCom refused our IP (60020)" in result.detail
    assert "企业可信IP" in result.advice


def test_wecom_refusal_of_an_unlisted_code_quotes_its_errmsg() -> None:
    result = v.wecom_refusal(v.GETTOKEN, 12345, "odd   thing\nhappened", what="the call")
    assert result.detail == "WeCom refused the call: errcode 12345 (errmsg 'odd thing happened')"


@pytest.mark.parametrize(
    ("hr", "tags", "status", "text"),
    [
        ({6}, (), Status.OK, "6 (via 2)"),
        ({2, 6}, (), Status.OK, "2, 6 (via 2)"),
        ({4}, (), Status.FAIL, "HR department 4 is outside"),
        ({4}, (4,), Status.OK, "HR departments: 4"),
        ({99}, (), Status.FAIL, "HR department 99 is outside"),
    ],
)
def test_visible_range_follows_departments_up_the_tree(
    hr: set[int], tags: tuple[int, ...], status: Status, text: str
) -> None:
    result = v.visible_range(APP, hr, PARENTS, tags)
    assert result.status is status and text in result.detail


def test_visible_range_survives_a_loop_in_the_tree() -> None:
    result = v.visible_range(APP, {7}, {7: 8, 8: 7})
    assert result.status is Status.FAIL


def test_visible_range_of_a_disabled_app_fails() -> None:
    closed = AppInfo(1000002, None, True, department_ids=(1,))
    result = v.visible_range(closed, {4}, PARENTS)
    assert result.detail == "app 1000002 is disabled" and "Enable it" in result.advice


def test_schema_status_compares_with_the_migration_heads() -> None:
    head = schema_status(()).heads
    assert schema_status(head).behind == 0 and schema_status(head).unknown == ()
    assert schema_status(()).behind >= 16
    assert schema_status(("nope",)).unknown == ("nope",)


@pytest.mark.parametrize(
    ("status", "text", "advice"),
    [
        (SchemaStatus(("0016",), ("0016",), 0, ()), "migrations current (0016)", ""),
        (SchemaStatus(("0014",), ("0016",), 2, ()), "2 migrations behind 0016", "portal migrate"),
        (SchemaStatus((), ("0016",), 16, ()), "has no schema (16 migrations", "portal migrate"),
        (SchemaStatus(("0099",), ("0016",), 0, ("0099",)), "does not know", "Newer code"),
    ],
)
def test_schema_verdicts(status: SchemaStatus, text: str, advice: str) -> None:
    result = v.schema(status, "sqlite:///portal.db")
    assert text in result.detail and advice in result.advice


URL = "https://portal.example.com/wecom/callback"


@pytest.mark.parametrize(
    ("status", "body", "location", "verdict", "text"),
    [
        (200, b"1234", None, Status.OK, "answered WeCom's URL verification"),
        (200, b'"1234"\n', None, Status.FAIL, "adds quotes or whitespace"),
        (200, b"<html>login</html>", None, Status.FAIL, "something other than this portal"),
        (302, b"", "https://sso.example.com/", Status.FAIL, "https://sso.example.com/"),
        (403, b"", None, Status.FAIL, "Token / AES key mismatch"),
        (404, b"Not Found", None, Status.FAIL, "does not pass /wecom/callback"),
        (502, b"Bad Gateway", None, Status.FAIL, "reverse proxy"),
    ],
)
def test_callback_answers(
    status: int, body: bytes, location: str | None, verdict: Status, text: str
) -> None:
    result = v.callback_answer(URL, status, body, "1234", location)
    assert result.status is verdict and text in format_line(result)
