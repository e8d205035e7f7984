from __future__ import annotations

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response

from portal.clock import FrozenClock
from portal.settings import Settings
from portal.web.core.middleware import CONTENT_SECURITY_POLICY
from tests.conftest import SettingsFactory
from tests.support.html import attr, one, soup, text


@pytest.fixture
def settings(make_settings: SettingsFactory, sqlite_url: str) -> Settings:
    """Page tests need a database but not both kinds."""
    return make_settings(sqlite_url)


async def test_landing_default_language_is_chinese(client: httpx.AsyncClient) -> None:
    page = soup(await client.get("/"))
    assert page.html is not None and page.html["lang"] == "zh-CN"
    assert text(page, "h1") == "在企业微信里完成面试"


@pytest.mark.parametrize(
    ("accept_language", "lang", "heading"),
    [
        ("en-US,en;q=0.9", "en", "Interviews, inside WeCom"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN", "在企业微信里完成面试"),
        ("fr-FR,en;q=0.5", "en", "Interviews, inside WeCom"),
        ("fr-FR", "zh-CN", "在企业微信里完成面试"),
        ("zh-TW", "zh-CN", "在企业微信里完成面试"),
    ],
)
async def test_landing_accept_language_picks_language(
    client: httpx.AsyncClient, accept_language: str, lang: str, heading: str
) -> None:
    page = soup(await client.get("/", headers={"Accept-Language": accept_language}))
    assert page.html is not None and page.html["lang"] == lang
    assert text(page, "h1") == heading


async def test_language_switch_overrides_browser_and_sticks(client: httpx.AsyncClient) -> None:
    page = soup(await client.get("/"))
    form = one(page, "form.language-switch")
    token = attr(one(form, "input[name=csrf_token]"), "value")
    response = await client.post(
        "/language", data={"language": "en", "next": "/", "csrf_token": token}
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
    again = soup(await client.get("/", headers={"Accept-Language": "zh-CN"}))
    assert text(again, "h1") == "Interviews, inside WeCom"


@pytest.mark.parametrize("next_value", ["//evil.example/x", "https://evil.example/", "/\\evil"])
async def test_language_switch_foreign_next_goes_home(
    client: httpx.AsyncClient, next_value: str
) -> None:
    token = attr(one(soup(await client.get("/")), "input[name=csrf_token]"), "value")
    response = await client.post(
        "/language", data={"language": "en", "next": next_value, "csrf_token": token}
    )
    assert response.headers["location"] == "/"


async def test_language_switch_without_csrf_token_is_403(client: httpx.AsyncClient) -> None:
    await client.get("/")
    response = await client.post("/language", data={"language": "en", "next": "/"})
    assert response.status_code == 403
    assert text(soup(response), ".error-status") == "403"


async def test_csrf_token_in_header_is_accepted(client: httpx.AsyncClient) -> None:
    page = soup(await client.get("/"))
    token = attr(one(page, "input[name=csrf_token]"), "value")
    response = await client.post(
        "/language",
        data={"language": "en"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert response.status_code == 303


async def test_csrf_token_from_other_session_is_403(client: httpx.AsyncClient) -> None:
    token = attr(one(soup(await client.get("/")), "input[name=csrf_token]"), "value")
    client.cookies.clear()
    await client.get("/")  # a new session with its own token
    response = await client.post("/language", data={"language": "en", "csrf_token": token})
    assert response.status_code == 403


async def test_security_headers_on_every_response(client: httpx.AsyncClient) -> None:
    for path in ["/", "/healthz", "/missing", "/static/css/portal.css"]:
        response = await client.get(path)
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY


async def test_pages_have_no_inline_script(client: httpx.AsyncClient) -> None:
    page = soup(await client.get("/"))
    scripts = page.select("script")
    assert scripts and all(script.get("src") and not script.get_text() for script in scripts)
    assert not page.select("[style]")


async def test_session_cookie_is_httponly_and_lax(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # plain http in tests; https_only follows PORTAL_BASE_URL


@pytest.mark.parametrize(
    ("lang", "message"),
    [("zh-CN", "您访问的页面不存在。"), ("en", "The page you asked for does not exist.")],
)
async def test_not_found_page_in_both_languages(
    client: httpx.AsyncClient, lang: str, message: str
) -> None:
    response = await client.get("/no/such/page", headers={"Accept-Language": lang})
    assert response.status_code == 404
    page = soup(response)
    assert text(page, "h1") == message
    assert text(page, ".error-status") == "404"


async def test_not_found_for_htmx_is_inline_fragment(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/page", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#flash"
    page = soup(response)
    assert page.html is None and page.select_one(".alert-error") is not None
    assert "HX-Request" in response.headers["Vary"]


async def test_unexpected_error_is_500_page_without_traceback(
    make_settings: SettingsFactory,
    sqlite_url: str,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from asgi_lifespan import LifespanManager
    from starlette.routing import Route

    from portal.app import create_app

    async def broken(request: Request) -> Response:
        raise RuntimeError("secret internals")

    app = create_app(make_settings(sqlite_url), clock=clock)
    app.router.routes.append(Route("/broken", broken))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            response = await http.get("/broken", headers={"Accept-Language": "en"})
            fragment = await http.get("/broken", headers={"HX-Request": "true"})
    assert response.status_code == 500
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert text(soup(response), "h1").startswith("Something went wrong")
    assert fragment.status_code == 500 and fragment.headers["HX-Retarget"] == "#flash"
    assert any("unhandled error" in r.getMessage() for r in caplog.records)
