"""/admin/notifications: counts, filters, row details, retry / discard of dead letters."""

from __future__ import annotations

import httpx
import sqlalchemy as sa

from portal.db.audit import list_entries
from portal.db.database import Database
from portal.db.outbox import dead_letter_count, enqueue, get_row
from portal.db.tables import outbox
from portal.notifications import kinds
from tests.conftest import Auth
from tests.factories import force_dead_letter
from tests.support.html import attr, one, soup, text
from tests.support.when import NOW

EN = {"Accept-Language": "en"}


async def _dead(
    db: Database, dedupe: str, *, recipient: str = "lina", kind: str = kinds.CHANGED
) -> int:
    await enqueue(db, kind=kind, recipient=recipient, payload={}, dedupe=dedupe, now=NOW)
    row_id: int = await db.fetch_val(sa.select(outbox.c.id).where(outbox.c.dedupe_key == dedupe))
    await force_dead_letter(
        db,
        row_id,
        errcode=81013,
        error="WeCom refused every recipient (errcode 81013) — message/send: 81013",
    )
    return row_id


async def test_notifications_page_shows_counts_and_dead_letter_details(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("liuyang")
    dead = await _dead(db, "a")
    await enqueue(db, kind=kinds.REMINDER, recipient="sunhao", payload={}, dedupe="b", now=NOW)
    page = await client.get("/admin/notifications", headers=EN)
    assert page.status_code == 200
    html = soup(page)
    counts = {
        attr(a, "class").split()[0]: text(a, ".badge") for a in html.select(".status-counts a")
    }
    assert counts["status-dead"] == "1" and counts["status-pending"] == "1"
    one(html, "#dead-letter-warning")
    row = one(html, f"#outbox-{dead}")
    assert "No valid recipient" in text(row, ".last-error")
    assert "errcode 81013" in text(row, "details")
    one(row, f"form[action='/admin/notifications/{dead}/retry']")


async def test_notifications_page_filters_by_status_kind_and_recipient(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("liuyang")
    await _dead(db, "a", recipient="lina")
    await _dead(db, "b", recipient="sunhao", kind=kinds.INVITED)
    await enqueue(db, kind=kinds.REMINDER, recipient="lina", payload={}, dedupe="c", now=NOW)
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
        results = soup(fragment)
        assert results.select_one("h1") is None, "an htmx request gets the results only"
        assert len(results.select("tbody tr[id^=outbox-]")) == expected, query


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
    one(soup(response), f"tr#outbox-{dead}.outbox-pending")
    row = await get_row(db, dead)
    assert row is not None and row.status == "pending" and row.attempts == 0
    assert await dead_letter_count(db) == 0
    entries = (await list_entries(db, action="notification_retried")).items
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
    assert len((await list_entries(db, action="notification_discarded")).items) == 1


async def test_notifications_retry_of_a_live_row_is_a_conflict(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("liuyang")
    await enqueue(db, kind=kinds.REMINDER, recipient="lina", payload={}, dedupe="c", now=NOW)
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
    board = soup(await client.get("/board", headers=EN))
    assert attr(one(board, "#dead-letter-slot"), "hx-get") == "/admin/notifications/warning"
    quiet = await client.get("/admin/notifications/warning", headers=EN | {"HX-Request": "true"})
    assert quiet.status_code == 200 and quiet.text.strip() == ""
    await _dead(db, "a")
    banner = await client.get("/admin/notifications/warning", headers=EN | {"HX-Request": "true"})
    warning = one(soup(banner), "#dead-letter-warning")
    assert "1 WeCom messages could not be delivered" in warning.get_text()
    assert attr(one(warning, "a"), "href") == "/admin/notifications?status=dead"
