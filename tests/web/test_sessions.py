"""Sessions end on the server: sign-out (here or everywhere), blocking, a role change, idle
time and the absolute limit all stop a copied `portal_session` cookie (issue 14, item 1)."""

from __future__ import annotations

import httpx

from portal.clock import FrozenClock
from portal.db.database import Database
from portal.db.people import set_role_override
from portal.directory.service import change_active
from portal.scheduling import Actor
from portal.settings import SESSION_ABSOLUTE_SECONDS, SESSION_IDLE_SECONDS
from tests.conftest import Auth
from tests.factories import World
from tests.support.html import attr, one, soup

COOKIE = "portal_session"
HR = "liuyang"


async def signed_in_cookie(client: httpx.AsyncClient, auth: Auth, userid: str = HR) -> str:
    """Sign in as `userid` on a fresh device and return its session cookie."""
    client.cookies.clear()
    await auth.login_as(userid)
    return str(client.cookies[COOKIE])


def replay(client: httpx.AsyncClient, cookie: str) -> None:
    client.cookies.clear()
    client.cookies.set(COOKIE, cookie)


async def csrf_token(client: httpx.AsyncClient) -> str:
    return attr(one(soup(await client.get("/settings")), "input[name=csrf_token]"), "value")


async def signed_out(client: httpx.AsyncClient) -> bool:
    response = await client.get("/settings")
    return response.status_code == 303 and response.headers["location"].startswith("/login")


async def test_session_replayed_after_logout_is_signed_out(
    client: httpx.AsyncClient, auth: Auth, world: World
) -> None:
    cookie = await signed_in_cookie(client, auth)
    assert (await client.get("/settings")).status_code == 200
    csrf = await csrf_token(client)
    assert (await client.post("/logout", data={"csrf_token": csrf})).status_code == 303
    replay(client, cookie)
    assert await signed_out(client)
    form = {"csrf_token": csrf, "title": "Replayed", "department_id": "1"}
    response = await client.post("/positions", data=form)
    assert response.status_code in {303, 403}
    assert response.headers.get("location", "/login").startswith("/login")
    replay(client, cookie)
    assert "Replayed" not in (await client.get("/positions")).text


async def test_sign_out_everywhere_from_settings_ends_other_devices(
    client: httpx.AsyncClient, auth: Auth, world: World
) -> None:
    phone = await signed_in_cookie(client, auth)
    await signed_in_cookie(client, auth)  # the desktop
    page = soup(await client.get("/settings", headers={"Accept-Language": "en"}))
    form = one(page, "#sessions form")
    assert attr(form, "action") == "/logout"
    assert attr(one(form, "input[name=everywhere]"), "value") == "1"
    assert one(form, "button").get_text().strip() == "Sign out everywhere"
    data = {"csrf_token": await csrf_token(client), "everywhere": "1"}
    assert (await client.post("/logout", data=data)).status_code == 303
    assert await signed_out(client)
    replay(client, phone)
    assert await signed_out(client)
    await auth.login_as(HR)  # signing in again works
    assert (await client.get("/settings")).status_code == 200


async def test_session_of_blocked_person_ends_and_unblocking_does_not_revive_it(
    client: httpx.AsyncClient, auth: Auth, world: World, db: Database
) -> None:
    cookie = await signed_in_cookie(client, auth)
    person_id = world[HR].id
    await change_active(db, person_id=person_id, active=False, actor=Actor.system(), now=world.now)
    assert await signed_out(client)
    await change_active(db, person_id=person_id, active=True, actor=Actor.system(), now=world.now)
    replay(client, cookie)
    assert await signed_out(client)


async def test_session_ends_on_role_change(
    client: httpx.AsyncClient, auth: Auth, world: World, db: Database
) -> None:
    cookie = await signed_in_cookie(client, auth)
    await set_role_override(
        db, world[HR].id, override="interviewer", role="interviewer", now=world.now
    )
    replay(client, cookie)
    assert await signed_out(client)


async def test_session_idle_limit_refreshed_on_use(
    client: httpx.AsyncClient, auth: Auth, world: World, clock: FrozenClock
) -> None:
    await signed_in_cookie(client, auth)
    for _ in range(3):  # in use: well past one idle limit since sign-in, still signed in
        clock.advance(SESSION_IDLE_SECONDS - 60)
        assert (await client.get("/settings")).status_code == 200
    clock.advance(SESSION_IDLE_SECONDS + 1)
    assert await signed_out(client)


async def test_session_absolute_limit_ends_a_busy_session(
    client: httpx.AsyncClient, auth: Auth, world: World, clock: FrozenClock
) -> None:
    await signed_in_cookie(client, auth)
    step = SESSION_IDLE_SECONDS // 2
    for _ in range(SESSION_ABSOLUTE_SECONDS // step):
        clock.advance(step)
        assert (await client.get("/settings")).status_code == 200
    clock.advance(step)
    assert await signed_out(client)
