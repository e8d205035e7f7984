"""/admin/notifications: counts, filters, row details, retry / discard of dead letters."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from bs4 import BeautifulSoup, Tag

from portal.db.audit import list_entries
from portal.db.database import Database
from portal.db.outbox import dead_letter_count, get_row
from portal.db.tables import outbox
from portal.notifications import kinds
from portal.notifications.outbox import enqueue
from tests.conftest import Auth

EN = {"Accept-Language": "en"}


def _text(node: Tag, selector: str) -> str:
    found = node.select_one(selector)
    assert found is not None, selector
    return found.text


async def _dead(
    db: Database, dedupe: str, *, recipient: str = "lina", kind: str = kinds.CHANGED
) -> int:
    await enqueue(db, kind=kind, recipient=recipient, payload={}, dedupe=dedupe)
    row_id: int = await db.fetch_val(sa.select(outbox.c.id).where(outbox.c.dedupe_key == dedupe))
    await db.execute(
        outbox.update()
        .where(outbox.c.id == row_id)
        .values(
            status="dead",
            attempts=1,
            last_errcode=81013,
            last_error="WeCom refused every recipient (errcode 81013) — message/send: 81013",
        )
    )
    return row_id


async def test_notifications_page_shows_counts_and_dead_letter_details(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("liuyang")
    dead = await _dead(db, "a")
    await enqueue(db, kind=kinds.REMINDER, recipient="sunhao", payload={}, dedupe="b")
    page = await client.get("/admin/notifications", headers=EN)
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    counts = {a["class"][0]: _text(a, ".badge") for a in soup.select(".status-counts a")}
    assert counts["status-dead"] == "1" and counts["status-pending"] == "1"
    assert soup.select_one("#dead-letter-warning") is not None
    row = soup.select_one(f"#outbox-{dead}")
    assert row is not None
    assert "No valid recipient" in _text(row, ".last-error")
    assert "errcode 81013" in _text(row, "details")
    assert row.select_one(f"form[action='/admin/notifications/{dead}/retry']") is not None


async def test_notifications_page_filters_by_status_kind_and_recipient(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("liuyang")
    await _dead(db, "a", recipient="lina")
    await _dead(db, "b", recipient="sunhao", kind=kinds.INVITED)
    await enqueue(db, kind=kinds.REMINDER, recipient="lina", payload={}, dedupe="c")
    cases = {
        "?status=dead": 2,
        "?status=dead&recipient=lina": 1,
        "?kind=invited": 1,
        "?kind=nonsense": 3,  # an unknown filter value is ignored
    }
    for query, expected in cases.items():
        fragment = await client.get(
            "/admin/notifications" + query, headers={"HX-Request": "true", **EN}
        )
        soup = BeautifulSoup(fragment.text, "html.parser")
        assert soup.select_one("h1") is None, "an htmx request gets the results only"
        assert len(soup.select("tbody tr[id^=outbox-]")) == expected, query


async def test_notifications_retry_puts_dead_letter_back_and_is_audited(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("zhaolei")
    dead = await _dead(db, "a")
    response = await client.post(
        f"/admin/notifications/{dead}/retry",
        data={"csrf_token": await auth.csrf_token()},
        headers={"HX-Request": "true", **EN},
    )
    assert response.status_code == 200
    assert BeautifulSoup(response.text, "html.parser").select_one(
        f"tr#outbox-{dead}.outbox-pending"
    )
    row = await get_row(db, dead)
    assert row is not None and row.status == "pending" and row.attempts == 0
    assert await dead_letter_count(db) == 0
    entries = (await list_entries(db, action="notification_retried")).entries
    assert [(e.actor_id, e.target_id) for e in entries] == [("zhaolei", str(dead))]


async def test_notifications_discard_dead_letter_is_audited(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("liuyang")
    dead = await _dead(db, "a")
    response = await client.post(
        f"/admin/notifications/{dead}/discard", data={"csrf_token": await auth.csrf_token()}
    )
    assert response.status_code == 303
    row = await get_row(db, dead)
    assert (
        row is not None and row.status == "cancelled" and row.last_error == "discarded by liuyang"
    )
    assert len((await list_entries(db, action="notification_discarded")).entries) == 1


async def test_notifications_retry_of_a_live_row_is_a_conflict(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("liuyang")
    await enqueue(db, kind=kinds.REMINDER, recipient="lina", payload={}, dedupe="c")
    response = await client.post(
        "/admin/notifications/1/retry", data={"csrf_token": await auth.csrf_token()}
    )
    assert response.status_code == 409
    missing = await client.post(
        "/admin/notifications/999/discard", data={"csrf_token": await auth.csrf_token()}
    )
    assert missing.status_code == 404


async def test_notifications_page_is_for_hr(client: httpx.AsyncClient, auth: Auth) -> None:
    await auth.login_as("zhangwei")
    assert (await client.get("/admin/notifications")).status_code == 403


async def test_board_loads_dead_letter_banner_separately(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("liuyang")
    board = BeautifulSoup((await client.get("/board", headers=EN)).text, "html.parser")
    slot = board.select_one("#dead-letter-slot")
    assert slot is not None and slot["hx-get"] == "/admin/notifications/warning"
    quiet = await client.get("/admin/notifications/warning", headers=EN | {"HX-Request": "true"})
    assert quiet.status_code == 200 and quiet.text.strip() == ""
    await _dead(db, "a")
    banner = await client.get("/admin/notifications/warning", headers=EN | {"HX-Request": "true"})
    warning = BeautifulSoup(banner.text, "html.parser").select_one("#dead-letter-warning")
    assert warning is not None and "1 WeCom messages could not be delivered" in warning.get_text()
    assert warning.select_one("a")["href"] == "/admin/notifications?status=dead"
