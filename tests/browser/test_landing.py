from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import PHONE, PageFactory, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("locale", "heading", "html_lang"),
    [("zh-CN", "在企业微信里完成面试", "zh-CN"), ("en-US", "Interviews, inside WeCom", "en")],
)
async def test_landing_page_renders_in_each_language(
    live_url: str, page_factory: PageFactory, locale: str, heading: str, html_lang: str
) -> None:
    page = await page_factory(locale=locale, viewport=PHONE)
    response = await page.goto(live_url + "/")
    assert response is not None and response.ok
    await expect(page.locator("h1")).to_have_text(heading)
    await expect(page.locator("html")).to_have_attribute("lang", html_lang)
    # htmx loaded from our own static files, under the strict CSP.
    assert await page.evaluate("typeof window.htmx") == "object"
    path = await screenshot(page, f"landing-{locale}")
    assert path.stat().st_size > 1000


async def test_language_switch_button_changes_language(
    live_url: str, page_factory: PageFactory
) -> None:
    page = await page_factory(locale="zh-CN")
    await page.goto(live_url + "/")
    await page.get_by_role("button", name="English").click()
    await expect(page.locator("h1")).to_have_text("Interviews, inside WeCom")
    await page.get_by_role("button", name="中文").click()
    await expect(page.locator("h1")).to_have_text("在企业微信里完成面试")
