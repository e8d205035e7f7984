from __future__ import annotations

import pytest
from playwright.async_api import expect

from portal.wecom import sandbox
from tests.browser.conftest import PHONE, WECOM_UA, PageFactory, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("locale", "button", "role"),
    [("zh-CN", "使用企业微信登录", "HR 协调员"), ("en-US", "Sign in with WeCom", "HR coordinator")],
)
async def test_hr_signs_in_through_desktop_web_login(
    live_url: str, page_factory: PageFactory, locale: str, button: str, role: str
) -> None:
    page = await page_factory(locale=locale, viewport={"width": 1280, "height": 800})
    await page.goto(live_url + "/login")
    await page.get_by_role("link", name=button).click()
    await expect(page.locator("button.member").first).to_be_visible()  # the sandbox's WeCom chooser
    await page.locator(f"button.member[value={sandbox.DEMO_HR_USERID}]").click()
    await page.wait_for_url(live_url + "/")
    await expect(page.locator("#account-name")).to_contain_text("刘洋")
    await expect(page.locator(".welcome .badge")).to_have_text(role)
    await screenshot(page, f"home-hr-{locale}")


@pytest.mark.parametrize(("locale", "greeting"), [("zh-CN", "您好"), ("en-US", "Hello")])
async def test_interviewer_signs_in_inside_wecom_on_a_phone(
    live_url: str, page_factory: PageFactory, locale: str, greeting: str
) -> None:
    page = await page_factory(locale=locale, viewport=PHONE, user_agent=WECOM_UA, is_mobile=True)
    await page.goto(live_url + "/login")  # the in-app browser goes straight to WeCom OAuth
    await page.locator(f"button.member[value={sandbox.DEMO_INTERVIEWER_USERID}]").click()
    await page.wait_for_url(live_url + "/")
    await expect(page.locator("h1")).to_contain_text(greeting)
    await expect(page.locator("#account-name")).to_contain_text("张伟")
    await screenshot(page, f"home-interviewer-{locale}")


async def test_anonymous_staff_page_returns_there_after_sign_in(
    live_url: str, page_factory: PageFactory
) -> None:
    page = await page_factory(locale="en-US", user_agent=WECOM_UA)
    await page.goto(live_url + "/admin/people")
    await page.locator(f"button.member[value={sandbox.DEMO_ADMIN_USERID}]").click()
    await page.wait_for_url(live_url + "/admin/people")
    await expect(page.locator("h1")).to_have_text("People")


async def test_admin_searches_people_as_they_type(live_url: str, page_factory: PageFactory) -> None:
    page = await page_factory(locale="en-US", viewport={"width": 1280, "height": 800})
    await page.goto(live_url + "/admin/people")
    await page.get_by_role("link", name="Sign in with WeCom").click()
    await page.locator(f"button.member[value={sandbox.DEMO_ADMIN_USERID}]").click()
    await page.wait_for_url(live_url + "/admin/people")
    await page.get_by_role("button", name="Sync contacts from WeCom").click()
    # Everyone in the sandbox's corp but the admin, who was added when they signed in.
    await expect(page.locator("#sync-result")).to_have_text(
        "Contacts synced: 10 added, 0 updated, 0 deactivated, 1 unchanged."
    )
    await expect(page.locator("table.people tbody tr")).to_have_count(11)
    await page.get_by_label("Search by name or WeCom ID").fill("zhang")
    await expect(page.locator("table.people tbody tr")).to_have_count(1)
    await expect(page.locator("table.people tbody tr")).to_contain_text("Zhang Wei")
    assert "q=zhang" in page.url  # the search is in the address bar, so it can be shared
    await screenshot(page, "admin-people")
