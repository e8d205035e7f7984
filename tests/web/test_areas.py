"""The areas are mounted by name at the root; each claims only the requests its routes match."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from portal.settings import Settings
from portal.web.core.routing import Area
from portal.wecom import sandbox as demo
from tests.conftest import Auth, SettingsFactory

AREAS = {"home", "auth", "interviews", "mine", "share", "people", "records", "notifications"}
AREAS |= {"live", "wecom_events", "rooms"}


@pytest.fixture
def settings(make_settings: SettingsFactory, sqlite_url: str) -> Settings:
    return make_settings(sqlite_url)


def test_app_mounts_each_area_once_by_name(app: Starlette) -> None:
    areas = [str(route.name) for route in app.routes if isinstance(route, Area)]
    assert sorted(areas) == sorted(AREAS)
    mounts = [route for route in app.routes if isinstance(route, Mount)]
    assert len(mounts) == len(app.routes)  # nothing is routed outside a mount
    others = {mount.name for mount in mounts if not isinstance(mount, Area)}
    assert others <= {"static", "sandbox"}


def test_route_names_carry_the_area(app: Starlette) -> None:
    assert app.url_path_for("interviews:board") == "/board"
    assert app.url_path_for("interviews:detail", interview_id=7) == "/interviews/7"
    assert app.url_path_for("share:link", interview_id=7) == "/interviews/7/link"
    assert app.url_path_for("share:page", token="abc") == "/c/abc"
    assert app.url_path_for("people:preferences") == "/settings"
    assert app.url_path_for("home:health") == "/healthz"


async def test_areas_sharing_a_prefix_each_answer_their_own_paths(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    await auth.login_as(demo.DEMO_HR_USERID)
    detail = await client.get("/interviews/999999")  # interviews' route: no such interview
    link = await client.get("/interviews/999999/link")  # share's route, same prefix
    assert detail.status_code == 404
    assert link.status_code == 404
    assert "interview" in link.text.lower()  # the portal's own not-found page, not a bare 404


async def test_wrong_method_is_405_with_allowed_methods_and_unknown_path_404(
    client: httpx.AsyncClient,
) -> None:
    wrong = await client.delete("/healthz")
    assert wrong.status_code == 405
    assert "GET" in wrong.headers["allow"]
    missing = await client.get("/no-such-page")
    assert missing.status_code == 404
