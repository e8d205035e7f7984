"""Every route declares who may use it; walk the whole table with every role."""

from __future__ import annotations

import re

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from starlette.routing import Mount, Route

from portal.settings import Settings
from portal.web.core.access import Access
from portal.web.core.routing import Area, PortalRoute
from portal.wecom import sandbox as demo
from tests.conftest import Auth, SettingsFactory
from tests.support.sandbox import SandboxControl

ROLES = {
    "anonymous": None,
    "interviewer": demo.DEMO_INTERVIEWER_USERID,
    "hr": demo.DEMO_HR_USERID,
    "admin": demo.DEMO_ADMIN_USERID,
}
ALLOWED = {
    Access.PUBLIC: {"anonymous", "interviewer", "hr", "admin"},
    Access.SIGNED: {"anonymous", "interviewer", "hr", "admin"},
    Access.STAFF: {"interviewer", "hr", "admin"},
    Access.HR: {"hr", "admin"},
    Access.ADMIN: {"admin"},
}
# Mounted sub-apps with rules of their own: static files, and the demo-only WeCom sandbox.
OWN_RULES = {"static", "sandbox"}


@pytest.fixture
def settings(make_settings: SettingsFactory, sqlite_url: str) -> Settings:
    return make_settings(sqlite_url)


def portal_routes(app: Starlette) -> list[PortalRoute]:
    """Every route of every area (areas are the only other thing mounted)."""
    found = []
    for mounted in app.routes:
        if isinstance(mounted, Mount) and mounted.name in OWN_RULES:
            continue
        assert isinstance(mounted, Area), f"{mounted} is not an area of the portal"
        for route in mounted.routes:
            assert isinstance(route, PortalRoute), f"{route} was not built with route()"
            found.append(route)
    return found


def concrete_path(route: Route) -> str:
    return re.sub(
        r"\{(\w+)(:\w+)?\}", lambda m: "1" if m.group(2) in (":int", ":id") else "x", route.path
    )


def test_every_route_declares_access(app: Starlette) -> None:
    routes = portal_routes(app)
    assert len(routes) >= 10
    assert all(isinstance(route.access, Access) for route in routes)
    unsafe_without_csrf = [
        route.path
        for route in routes
        if not route.csrf and set(route.methods or ()) - {"GET", "HEAD"}
    ]
    assert set(unsafe_without_csrf) <= {"/wecom/callback", "/platform/webhook"}


@pytest.mark.parametrize("role", list(ROLES))
async def test_route_table_enforces_access_for_role(
    app: Starlette, sandbox: SandboxControl, role: str
) -> None:
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            auth = Auth(client, sandbox)
            userid = ROLES[role]
            if userid is not None:
                await auth.login_as(userid)
            token = await auth.csrf_token()
            for route in portal_routes(app):
                for method in sorted((route.methods or set()) - {"HEAD"}):
                    if route.path == "/logout":
                        continue  # would end the session the rest of the walk needs
                    response = await client.request(
                        method, concrete_path(route), headers={"X-CSRF-Token": token}
                    )
                    refused_login = response.status_code == 303 and response.headers[
                        "location"
                    ].startswith("/login?next=")
                    refused = refused_login or response.status_code == 403
                    expected_ok = role in ALLOWED[route.access]
                    where = f"{method} {route.path} as {role}: {response.status_code}"
                    assert response.status_code < 500, where
                    assert refused != expected_ok, where
                    if not expected_ok:
                        assert refused_login == (role == "anonymous"), where
