"""Every portal error renders through one handler: status, message in the viewer's language,
the error page's button, and the inline fragment for htmx."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response

from portal.clock import FrozenClock
from portal.directory.errors import SignInExpired, WeComMisconfigured
from portal.errors import NotFound, PortalError
from portal.scheduling import InvalidSlot
from portal.scheduling.slots import TOO_SHORT
from tests.conftest import SettingsFactory
from tests.support.html import attr, one, soup, text

RAISED: dict[str, PortalError] = {
    "slot": InvalidSlot(TOO_SHORT, {"minutes": 15}),
    "expired": SignInExpired(),
    "gone": NotFound(),
    "wecom": WeComMisconfigured(),
}


@pytest.fixture
async def http(
    make_settings: SettingsFactory, sqlite_url: str, clock: FrozenClock
) -> AsyncIterator[httpx.AsyncClient]:
    from asgi_lifespan import LifespanManager
    from starlette.routing import Route

    from portal.app import create_app

    async def refuse(request: Request) -> Response:
        raise RAISED[request.path_params["name"]]

    app = create_app(make_settings(sqlite_url), clock=clock)
    app.router.routes.append(Route("/refuse/{name}", refuse))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


@pytest.mark.parametrize(
    ("name", "lang", "status", "message", "button"),
    [
        ("slot", "zh", 422, "面试时长至少为 15 分钟。", "/"),
        ("slot", "en", 422, "An interview lasts at least 15 minutes.", "/"),
        ("expired", "zh", 400, "登录请求已过期或已被使用，请重新登录。", "/login"),
        ("gone", "en", 404, "The page you asked for does not exist.", "/"),
        ("wecom", "en", 503, str(WeComMisconfigured()), "/"),
    ],
)
async def test_error_handler_renders_page_in_viewer_language(
    http: httpx.AsyncClient, name: str, lang: str, status: int, message: str, button: str
) -> None:
    response = await http.get(f"/refuse/{name}", headers={"Accept-Language": lang})
    assert response.status_code == status
    page = soup(response)
    assert text(page, ".error-page h1") == message
    assert attr(one(page, ".error-page a.button"), "href") == button


@pytest.mark.parametrize("name", sorted(RAISED))
async def test_error_handler_htmx_gets_inline_fragment(http: httpx.AsyncClient, name: str) -> None:
    response = await http.get(
        f"/refuse/{name}", headers={"HX-Request": "true", "Accept-Language": "en"}
    )
    assert response.status_code == RAISED[name].status
    assert response.headers["HX-Retarget"] == "#flash"
    page = soup(response)
    assert page.html is None
    assert text(page, ".alert-error") == RAISED[name].message % RAISED[name].params
