from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("locale", "heading", "html_lang"),
    [("zh-CN", "在企业微信里完成面试", "zh-CN"), ("en-US", "Interviews, inside WeCom", "en")],
)
def test_landing_page_renders_in_each_language(
    live_url: str, page_factory: Callable[..., Page], locale: str, heading: str, html_lang: str
) -> None:
    page = page_factory(locale=locale, viewport=PHONE)
    response = page.goto(live_url + "/")
    assert response is not None and response.ok
    expect(page.locator("h1")).to_have_text(heading)
    expect(page.locator("html")).to_have_attribute("lang", html_lang)
    # htmx loaded from our own static files, under the strict CSP.
    assert page.evaluate("typeof window.htmx") == "object"
    path = screenshot(page, f"landing-{locale}")
    assert path.stat().st_size > 1000


def test_language_switch_button_changes_language(
    live_url: str, page_factory: Callable[..., Page]
) -> None:
    page = page_factory(locale="zh-CN")
    page.goto(live_url + "/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Interviews, inside WeCom")
    page.get_by_role("button", name="中文").click()
    expect(page.locator("h1")).to_have_text("在企业微信里完成面试")
