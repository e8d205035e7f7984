"""/admin/notifications: counts, filters, row details, retry / discard of dead letters."""

from __future__ import annotations

from datetime import timedelta

import httpx
import sqlalchemy as sa
from bs4 import Tag

from portal.db.audit import list_entries
from portal.db.database import Database
from portal.db.outbox import dead_letter_count, enqueue, get_row
from portal.db.outbox import dedupe_key as key_of
from portal.db.tables import outbox
from portal.notifications import kinds
from tests.conftest import Auth
from tests.factories import World, force_dead_letter, queue
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
    assert counts["status-dead"] == "1" and counts["status-due"] == "1"
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


async def _sent(db: Database, row_id: int, *, msgid: str) -> None:
    """Delivered on the second attempt, after WeCom was busy: the worker gets there only by
    sending to WeCom (the earlier failure stays in the row)."""
    await db.execute(
        outbox.update()
        .where(outbox.c.id == row_id)
        .values(
            status="sent",
            attempts=2,
            msgid=msgid,
            sent_at=NOW,
            last_errcode=-1,
            last_error="WeCom was busy (errcode -1)",
        )
    )


def _counts(html: Tag) -> dict[str, str]:
    links = one(html, ".status-counts").select("a")
    return {attr(a, "class").split()[0]: text(a, ".badge") for a in links}


async def test_notifications_sent_row_shows_no_message_id_as_an_error(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("liuyang")
    await enqueue(db, kind=kinds.INVITED, recipient="lina", payload={}, dedupe="s", now=NOW)
    row = await db.fetch_val(sa.select(outbox.c.id).where(outbox.c.dedupe_key == "s"))
    await _sent(db, row, msgid="msg-7f3a")
    html = soup(await client.get("/admin/notifications", headers=EN))
    assert text(html, f"#outbox-{row} .last-error") == ""
    assert "msg-7f3a" not in text(html, f"#outbox-{row} .last-error")


async def test_notifications_future_reminder_is_scheduled_not_waiting_to_send(
    client: httpx.AsyncClient, auth: Auth, db: Database
) -> None:
    await auth.login_as("liuyang")
    later = NOW + timedelta(days=1)
    await enqueue(
        db, kind=kinds.REMINDER, recipient="lina", payload={}, dedupe="r", now=NOW, due_at=later
    )
    await enqueue(db, kind=kinds.INVITED, recipient="lina", payload={}, dedupe="i", now=NOW)
    html = soup(await client.get("/admin/notifications", headers=EN))
    counts = _counts(html)
    assert counts["status-scheduled"] == "1" and counts["status-due"] == "1"
    labels = [text(row, ".badge") for row in html.select("tbody tr[id^=outbox-]")]
    assert labels == ["Waiting to send", "Scheduled for later"]  # newest first
    for status, expected in {"scheduled": "Reminder", "due": "Invitation"}.items():
        fragment = await client.get(
            f"/admin/notifications?status={status}", headers={"HX-Request": "true", **EN}
        )
        rows = soup(fragment).select("tbody tr[id^=outbox-]")
        assert [text(r, ".kind") for r in rows] == [expected], status


async def test_notifications_rows_show_names_and_link_the_interview(
    client: httpx.AsyncClient, auth: Auth, world: World
) -> None:
    await auth.login_as("liuyang")
    booked = await world.interview()
    await queue(world.db, kinds.INVITED, "lina", booked.interview_id)
    row_id = await world.db.fetch_val(
        sa.select(outbox.c.id).where(
            outbox.c.dedupe_key == key_of(kinds.INVITED, booked.interview_id, "lina", 1)
        )
    )
    html = soup(await client.get("/admin/notifications", headers=EN))
    row = one(html, f"#outbox-{row_id}")
    assert text(row, ".recipient .name") == "李娜 (Li Na)"
    link = one(row, ".kind a")
    assert attr(link, "href") == f"/interviews/{booked.interview_id}"
    assert "王小明" in link.get_text()


async def test_notifications_recipient_filter_takes_a_name_and_is_a_full_field(
    client: httpx.AsyncClient, auth: Auth, world: World
) -> None:
    await auth.login_as("liuyang")
    for userid in ("lina", "sunhao"):
        await queue(world.db, kinds.REMINDER, userid, None)
    for query in ("Li Na", "李娜", "lina"):
        fragment = await client.get(
            "/admin/notifications",
            params={"recipient": query},
            headers={"HX-Request": "true", **EN},
        )
        names = [text(r, ".recipient .name") for r in soup(fragment).select("tbody tr")]
        assert names == ["李娜 (Li Na)"], query
    page = soup(await client.get("/admin/notifications", headers=EN))
    field = one(page, "form.toolbar input#filter-recipient")
    assert attr(field, "type") == "search"  # styled like the other fields, full width
    assert text(page, "label[for=filter-recipient]") == "Recipient"
