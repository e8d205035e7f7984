"""Pure sandbox rules without HTTP: rate caps, safe rendering, fault parsing, org lookups."""

from __future__ import annotations

from typing import Any

import pytest

from portal.wecom.sandbox import DEMO_LEFT_USERID, demo_org
from portal.wecom.sandbox.faults import FaultBook, parse_fault
from portal.wecom.sandbox.ratelimit import MemberRateLimiter
from portal.wecom.sandbox.render import render_markdown, render_textcard
from portal.wecom.sandbox.validate import truncate


def test_rate_limiter_minute_cap_drops_the_31st() -> None:
    limiter = MemberRateLimiter(per_minute=30, per_hour=1000)
    assert all(limiter.allow("a", 0.0) for _ in range(30))
    assert not limiter.allow("a", 59.9) and limiter.allow("b", 59.9)
    assert limiter.allow("a", 60.0)


def test_rate_limiter_hour_cap_drops_after_1000() -> None:
    limiter = MemberRateLimiter(per_minute=30, per_hour=1000)
    allowed = sum(limiter.allow("a", minute * 60.0) for minute in range(40) for _ in range(30))
    assert allowed == 1000
    assert not limiter.allow("a", 3599.0) and limiter.allow("a", 3600.0)


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("**bold**", "<p><strong>bold</strong></p>"),
        ("## Title", "<h4>Title</h4>"),
        ("> quoted", "<blockquote>quoted</blockquote>"),
        ("`x<y`", "<p><code>x&lt;y</code></p>"),
        ('<font color="info">ok</font>', '<p><span class="md-info">ok</span></p>'),
        ('<font color="red">no</font>', "<p>&lt;font color=&quot;red&quot;&gt;no&lt;/font&gt;</p>"),
        (
            "[a](https://x/?a=1&b=2)",
            '<p><a href="https://x/?a=1&amp;b=2" rel="noopener noreferrer">a</a></p>',
        ),
        ("[a](javascript:alert(1))", "<p>[a](javascript:alert(1))</p>"),
        ('[a](https://x/" onclick="y)', "<p>[a](https://x/&quot; onclick=&quot;y)</p>"),
        ("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>"),
    ],
)
def test_render_markdown_subset_is_escaped_first(source: str, html: str) -> None:
    assert str(render_markdown(source)) == html


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ('<div class="gray">a</div>', '<div class="tc-gray">a</div>'),
        ("a<br>b<br/>c", "a<br>b<br>c"),
        ('<div class="highlight">open', '<div class="tc-highlight">open</div>'),
        ("</div>stray", "stray"),
        (
            '<div class="evil" onclick="x">',
            "&lt;div class=&quot;evil&quot; onclick=&quot;x&quot;&gt;",
        ),
    ],
)
def test_render_textcard_allows_only_wecom_tags_balanced(source: str, html: str) -> None:
    assert str(render_textcard(source)) == html


def test_truncate_never_splits_a_character() -> None:
    assert truncate("面面", 4) == ("面", True)
    assert truncate("ab", 2) == ("ab", False)


def test_fault_book_times_and_order() -> None:
    book = FaultBook()
    book.add({"path": "message/send", "errcode": 45009, "times": 1})
    book.add({"path": "*", "http_status": 503})
    first, second = book.pick("message/send"), book.pick("message/send")
    assert first is not None and first.errcode == 45009
    assert second is not None and second.http_status == 503
    assert book.pick("gettoken") is not None


@pytest.mark.parametrize("body", [None, [], {"path": ""}, {"path": "x", "delay_s": 1000}])
def test_parse_fault_invalid_raises_value_error(body: Any) -> None:
    with pytest.raises(ValueError):
        parse_fault(body, 1)


def test_demo_org_shape() -> None:
    org = demo_org()
    root = org.department(1)
    assert root is not None and root.parentid == 0
    assert org.member("ZHANGWEI") is not None and org.member(DEMO_LEFT_USERID) is None
    assert {m.status for m in org.members} == {1, 2, 5}
    assert len({m.userid for m in org.members}) == len(org.members) >= 12
    assert all(m.userid.isascii() and m.userid.islower() for m in org.members)
    assert all(org.department(d) is not None for m in org.members for d in m.department)
