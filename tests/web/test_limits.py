from __future__ import annotations

from datetime import time, timedelta

import httpx
import pytest

from portal.db.audit import list_entries
from portal.db.database import Database
from portal.db.interviewers import interviewer_profiles
from portal.db.people import get_person_by_userid
from portal.interviews.service import DEFAULT_POLICY, find_conflicts
from portal.scheduling import ConflictKind, Slot
from tests.conftest import Auth
from tests.support.html import attr, one, soup, text
from tests.support.when import NOW, days_after

EN = {"Accept-Language": "en"}
HTMX = {"HX-Request": "true", **EN}
# A week after NOW (itself a Tuesday): Tuesday 10:00–11:00 in Shanghai, zhangwei's zone.
TUESDAY_TEN = Slot.starting(days_after(NOW, 7, time(10)), timedelta(hours=1))
Form = dict[str, str | list[str]]
LIMITS: Form = {
    "work_start": "13:00",
    "work_end": "18:30",
    "work_days": ["0", "1", "2"],
    "daily_cap": "2",
    "weekly_cap": "6",
}


async def person_id(db: Database, userid: str) -> int:
    found = await get_person_by_userid(db, userid)
    assert found is not None
    return found.id


@pytest.fixture
async def zhangwei(db: Database, auth: Auth) -> int:
    """zhangwei has signed in once (so has a row); liuyang (HR) is signed in now."""
    await auth.login_as("zhangwei")
    await auth.logout()
    await auth.login_as("liuyang")
    return await person_id(db, "zhangwei")


async def post(client: httpx.AsyncClient, auth: Auth, target: int, data: Form) -> httpx.Response:
    token = await auth.csrf_token()
    headers = {"X-CSRF-Token": token, **HTMX}
    return await client.post(f"/people/{target}/limits", data=data, headers=headers)


async def outside_hours(db: Database, target: int) -> list[str]:
    profiles = await interviewer_profiles(db, [target])
    conflicts = await find_conflicts(
        db,
        TUESDAY_TEN,
        interviewers=profiles,
        candidate_id=None,
        editing=None,
        now=NOW,
        policy=DEFAULT_POLICY,
        override=False,
    )
    return [c.message for c in conflicts if c.kind is ConflictKind.OUTSIDE_WORKING_HOURS]


async def test_limits_page_new_person_shows_defaults(
    client: httpx.AsyncClient, zhangwei: int
) -> None:
    page = soup(await client.get(f"/people/{zhangwei}/limits", headers=EN))
    assert text(page, "h1 small") == "张伟 (Zhang Wei)"
    assert attr(one(page, "#work-start"), "value") == "09:00"
    assert attr(one(page, "#work-end"), "value") == "18:00"
    checked = [attr(box, "value") for box in page.select("input[name='work_days'][checked]")]
    assert checked == ["0", "1", "2", "3", "4"]
    assert [label.get_text(strip=True) for label in page.select("label.check")][0] == "Monday"
    daily_cap = one(page, "#daily-cap")
    assert attr(daily_cap, "value") == "" and attr(daily_cap, "placeholder") == "4"
    assert page.select_one("#limits-default") is not None


async def test_limits_saved_are_used_by_conflict_check(
    client: httpx.AsyncClient, auth: Auth, db: Database, zhangwei: int
) -> None:
    assert await outside_hours(db, zhangwei) == []
    response = await post(client, auth, zhangwei, LIMITS)
    fragment = soup(response)
    assert response.status_code == 200 and fragment.html is None
    assert text(fragment, "#limits-saved") == "Limits saved."
    assert attr(one(fragment, "#work-end"), "value") == "18:30"
    assert fragment.select_one("#limits-default") is None
    profile = (await interviewer_profiles(db, [zhangwei]))[0]
    stored = (profile.work_start_minute, profile.work_end_minute, profile.work_days)
    assert stored == (780, 1110, "012")
    assert (profile.daily_cap, profile.weekly_cap) == (2, 6)
    messages = await outside_hours(db, zhangwei)
    assert messages == ["This time is outside the interviewer's working hours (%(start)s–%(end)s)."]


async def test_limits_day_off_warns_in_conflict_check(
    client: httpx.AsyncClient, auth: Auth, db: Database, zhangwei: int
) -> None:
    await post(client, auth, zhangwei, LIMITS | {"work_start": "09:00", "work_days": ["0"]})
    assert await outside_hours(db, zhangwei) == ["This time falls on the interviewer's day off."]


async def test_limits_reset_restores_defaults(
    client: httpx.AsyncClient, auth: Auth, db: Database, zhangwei: int
) -> None:
    await post(client, auth, zhangwei, LIMITS)
    response = await post(client, auth, zhangwei, LIMITS | {"action": "reset"})
    assert response.status_code == 200
    assert soup(response).select_one("#limits-default") is not None
    assert attr(one(soup(response), "#work-start"), "value") == "09:00"
    profile = (await interviewer_profiles(db, [zhangwei]))[0]
    assert profile.work_start_minute is None and profile.work_days is None
    assert profile.daily_cap is None and profile.weekly_cap is None
    assert await outside_hours(db, zhangwei) == []


async def test_limits_invalid_form_is_422_and_saves_nothing(
    client: httpx.AsyncClient, auth: Auth, db: Database, zhangwei: int
) -> None:
    bad = LIMITS | {"work_end": "12:00", "work_days": [], "daily_cap": "21"}
    response = await post(client, auth, zhangwei, bad)
    fragment = soup(response)
    assert response.status_code == 422 and fragment.html is None
    assert text(fragment, "#work_end-error") == "Working hours must end after they start."
    assert text(fragment, "#work_days-error") == "Choose at least one working day."
    assert text(fragment, "#daily_cap-error") == "Enter a number from 1 to 20."
    assert attr(one(fragment, "#work-end"), "value") == "12:00"  # what was typed comes back
    assert (await interviewer_profiles(db, [zhangwei]))[0].work_end_minute is None


async def test_limits_change_is_audited(
    client: httpx.AsyncClient, auth: Auth, db: Database, zhangwei: int
) -> None:
    await post(client, auth, zhangwei, LIMITS)
    entries = (await list_entries(db, action="limits_changed")).items
    assert [(e.actor_id, e.target_id) for e in entries] == [("liuyang", str(zhangwei))]
    detail = entries[0].detail
    assert detail is not None and detail["from"]["work_days"] is None
    assert detail["to"] == {
        "work_start_minute": 780,
        "work_end_minute": 1110,
        "work_days": "012",
        "daily_cap": 2,
        "weekly_cap": 6,
    }


async def test_limits_post_without_csrf_is_refused(
    client: httpx.AsyncClient, db: Database, zhangwei: int
) -> None:
    response = await client.post(f"/people/{zhangwei}/limits", data=LIMITS)
    assert response.status_code == 403
    assert (await interviewer_profiles(db, [zhangwei]))[0].daily_cap is None


async def test_limits_page_interviewer_is_forbidden(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("zhangwei")
    own = await person_id(db, "zhangwei")
    assert (await client.get(f"/people/{own}/limits")).status_code == 403
    assert (await post(client, auth, own, LIMITS)).status_code == 403


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_limits_unknown_person_is_404(
    client: httpx.AsyncClient, auth: Auth, zhangwei: int, method: str
) -> None:
    token = await auth.csrf_token()
    response = await client.request(
        method, "/people/999999/limits", data=LIMITS, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 404


async def test_admin_people_table_links_to_limits(
    client: httpx.AsyncClient, auth: Auth, zhangwei: int
) -> None:
    await auth.logout()
    await auth.login_as("chenming")
    page = soup(await client.get("/admin/people", params={"q": "Zhang"}, headers=EN))
    link = one(page, f"tr#person-{zhangwei} td a")
    assert attr(link, "href") == f"/people/{zhangwei}/limits"
    assert link.get_text() == "张伟 (Zhang Wei)"
    assert (await client.get(attr(link, "href"))).status_code == 200  # admins are HR too
