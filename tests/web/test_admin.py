from __future__ import annotations

import httpx
import pytest

from portal.db.database import Database
from portal.db.people import get_person_by_userid
from portal.wecom import sandbox
from tests.conftest import Auth
from tests.support.html import attr, one, soup, text


@pytest.fixture
async def admin(client: httpx.AsyncClient, auth: Auth) -> Auth:
    await auth.login_as(sandbox.DEMO_ADMIN_USERID)
    token = await auth.csrf_token()
    response = await client.post("/admin/sync", headers={"X-CSRF-Token": token})
    assert response.status_code == 200
    return auth


async def test_people_search_htmx_returns_fragment_and_page_is_full(
    client: httpx.AsyncClient, admin: Auth
) -> None:
    fragment = await client.get("/admin/people", params={"q": "Li"}, headers={"HX-Request": "true"})
    rows = soup(fragment).select("table.people tbody tr")
    assert soup(fragment).html is None and "HX-Request" in fragment.headers["Vary"]
    names = {text(row, "td") for row in rows}
    assert names == {"刘洋 (Liu Yang)", "李娜 (Li Na)"}
    full = soup(await client.get("/admin/people", params={"q": "Li"}))
    assert attr(one(full, "#people-search"), "value") == "Li"
    assert len(full.select("table.people tbody tr")) == 2


@pytest.mark.parametrize("query", ["%", "_", "50%_off"])
async def test_people_search_wildcards_are_literal(
    client: httpx.AsyncClient, admin: Auth, query: str
) -> None:
    page = soup(await client.get("/admin/people", params={"q": query}))
    assert page.select_one("table.people td.muted") is not None  # nobody matches
    assert page.select("table.people tbody tr[id]") == []


async def test_role_change_returns_row_and_is_audited(
    client: httpx.AsyncClient, admin: Auth, db_url: str
) -> None:
    db = Database(db_url)
    await db.connect()
    try:
        person = await get_person_by_userid(db, "lina")
        assert person is not None
        token = await admin.csrf_token()
        response = await client.post(
            f"/admin/people/{person.id}/role",
            data={"role": "hr"},
            headers={"X-CSRF-Token": token, "HX-Request": "true", "Accept-Language": "en"},
        )
        row = one(soup(response), f"tr#person-{person.id}")
        assert text(row, ".badge") == "HR coordinator"
        audit = soup(await client.get("/admin/audit"))
        assert "role_changed" in text(audit, "table.audit tbody")
        refreshed = await get_person_by_userid(db, "lina")
        assert refreshed is not None and refreshed.role == "hr"
    finally:
        await db.disconnect()


async def test_role_change_unknown_choice_is_400(client: httpx.AsyncClient, admin: Auth) -> None:
    token = await admin.csrf_token()
    response = await client.post(
        "/admin/people/2/role", data={"role": "emperor"}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 400


async def test_deactivated_person_is_signed_out_and_cannot_sign_in(
    client: httpx.AsyncClient, admin: Auth
) -> None:
    page = soup(await client.get("/admin/people", params={"q": "zhangwei"}))
    row_id = attr(one(page, "table.people tbody tr"), "id").removeprefix("person-")
    token = await admin.csrf_token()
    response = await client.post(
        f"/admin/people/{row_id}/active", data={"active": "0"}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 303
    await admin.logout()
    state = await admin.start()
    code = admin.sandbox.code_for(sandbox.DEMO_INTERVIEWER_USERID)
    refused = await client.get("/auth/callback", params={"code": code, "state": state})
    assert refused.status_code == 403


async def test_admin_cannot_deactivate_themselves(client: httpx.AsyncClient, admin: Auth) -> None:
    page = soup(await client.get("/admin/people", params={"q": sandbox.DEMO_ADMIN_USERID}))
    row_id = attr(one(page, "table.people tbody tr"), "id").removeprefix("person-")
    token = await admin.csrf_token()
    response = await client.post(
        f"/admin/people/{row_id}/active",
        data={"active": "0"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#flash"


async def test_audit_log_lists_sign_ins_and_syncs(client: httpx.AsyncClient, admin: Auth) -> None:
    audit = text(soup(await client.get("/admin/audit")), "table.audit")
    assert "sign_in" in audit and "contacts_sync" in audit
