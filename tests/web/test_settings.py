from __future__ import annotations

import httpx
import pytest
from bs4 import BeautifulSoup, Tag

from portal.db.audit import list_entries
from portal.db.database import Database
from portal.db.people import Person, get_person_by_userid
from tests.conftest import Auth
from tests.support.html import attr, one, soup, text

EN = {"Accept-Language": "en"}
HTMX = {"HX-Request": "true", **EN}


def now_line(page: BeautifulSoup) -> str:
    # Babel puts a narrow no-break space before "AM".
    return text(page, "#settings-now").replace("\u202f", " ")


def selected(node: Tag, selector: str) -> bool:
    return one(node, selector).has_attr("selected")


async def person(db: Database, userid: str) -> Person:
    found = await get_person_by_userid(db, userid)
    assert found is not None
    return found


async def save(
    client: httpx.AsyncClient, auth: Auth, headers: dict[str, str] = HTMX, **fields: str
) -> httpx.Response:
    data = {"language": "en", "timezone": ""} | fields
    return await client.post(
        "/settings", data=data, headers={"X-CSRF-Token": await auth.csrf_token(), **headers}
    )


async def test_settings_page_unset_zone_selects_company_default(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    await auth.login_as("zhangwei")
    page = soup(await client.get("/settings", headers=EN))
    # No option is marked selected, so the browser shows the first: the company default.
    assert page.select("select#timezone option[selected]") == []
    first = one(page, "select#timezone option")
    assert attr(first, "value") == "" and first.get_text() == "Company default (Asia/Shanghai)"
    assert page.select_one("select#timezone option[value='Europe/Paris']") is not None
    assert now_line(page) == "It is now 10:00 AM in Asia/Shanghai."  # the clock: NOW, 10:00 there
    assert page.select_one("nav a[href='/settings']") is not None


async def test_settings_save_timezone_changes_rendered_times(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("zhangwei")
    response = await save(client, auth, timezone="Asia/Tokyo")
    fragment = soup(response)
    assert response.status_code == 200 and fragment.html is None
    assert text(fragment, "#settings-saved") == "Settings saved."
    assert now_line(fragment) == "It is now 11:00 AM in Asia/Tokyo."
    assert selected(fragment, "option[value='Asia/Tokyo']")
    home = soup(await client.get("/", headers=EN))
    assert [dd.get_text() for dd in home.select("dl.facts dd")][-1] == "Asia/Tokyo"
    assert (await person(db, "zhangwei")).timezone == "Asia/Tokyo"


async def test_settings_company_default_option_stores_null(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("zhangwei")
    await save(client, auth, timezone="America/New_York")
    response = await save(client, auth, timezone="")
    assert response.status_code == 200
    assert now_line(soup(response)).endswith("in Asia/Shanghai.")
    assert (await person(db, "zhangwei")).timezone is None


@pytest.mark.parametrize("zone", ["Mars/Olympus", "localtime", "../etc/passwd"])
async def test_settings_unknown_zone_is_422_with_field_error(
    client: httpx.AsyncClient, auth: Auth, db: Database, zone: str
) -> None:
    await auth.login_as("zhangwei")
    response = await save(client, auth, timezone=zone)
    fragment = soup(response)
    assert response.status_code == 422 and fragment.html is None
    assert text(fragment, "#timezone-error") == f"Unknown time zone: {zone}."
    assert attr(one(fragment, "select#timezone"), "aria-invalid") == "true"
    assert fragment.select_one("#settings-saved") is None
    assert (await person(db, "zhangwei")).timezone is None


async def test_settings_unknown_language_is_422(client: httpx.AsyncClient, auth: Auth) -> None:
    await auth.login_as("zhangwei")
    response = await save(client, auth, language="fr")
    assert response.status_code == 422
    assert text(soup(response), "#language-error") == "Choose one of the options."


async def test_settings_new_language_is_saved_and_page_reloads(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("zhangwei")
    response = await save(client, auth, language="zh")
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/settings?saved=1"
    assert (await person(db, "zhangwei")).locale == "zh"
    page = soup(await client.get("/settings?saved=1", headers=EN))  # the saved choice wins
    assert (
        attr(one(page, "html"), "lang") == "zh-CN"
        and page.select_one("#settings-saved") is not None
    )
    assert selected(page, "select#language option[value='zh']")


async def test_settings_plain_form_post_redirects_to_page(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("zhangwei")
    response = await save(client, auth, EN, timezone="Europe/London")
    assert response.status_code == 303 and response.headers["location"] == "/settings?saved=1"
    assert (await person(db, "zhangwei")).timezone == "Europe/London"


async def test_settings_digest_option_hidden_and_ignored_for_interviewer(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("zhangwei")
    page = soup(await client.get("/settings", headers=EN))
    assert page.select_one("input[name='digest_opt_in']") is None
    assert (await save(client, auth, digest_opt_in="on")).status_code == 200
    assert (await person(db, "zhangwei")).digest_opt_in is False


async def test_settings_digest_option_shown_and_saved_for_hr(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("liuyang")
    page = soup(await client.get("/settings", headers=EN))
    assert not one(page, "input[name='digest_opt_in']").has_attr("checked")
    fragment = soup(await save(client, auth, digest_opt_in="on"))
    assert one(fragment, "input[name='digest_opt_in']").has_attr("checked")
    assert (await person(db, "liuyang")).digest_opt_in is True
    await save(client, auth)  # an unticked box is not sent at all
    assert (await person(db, "liuyang")).digest_opt_in is False


async def test_settings_post_without_csrf_is_refused(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("zhangwei")
    response = await client.post("/settings", data={"language": "en", "timezone": "UTC"})
    assert response.status_code == 403
    assert (await person(db, "zhangwei")).timezone is None


async def test_settings_change_is_audited_once(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("zhangwei")
    await save(client, auth, timezone="Asia/Tokyo")
    await save(client, auth, timezone="Asia/Tokyo")  # nothing changes: nothing to record
    entries = (await list_entries(db, action="settings_changed")).items
    me = await person(db, "zhangwei")
    assert [(e.actor_id, e.target_id) for e in entries] == [("zhangwei", str(me.id))]
    assert entries[0].detail == {
        "locale": {"from": None, "to": "en"},
        "timezone": {"from": None, "to": "Asia/Tokyo"},
    }
