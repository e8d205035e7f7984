"""Renderers: one outbox row → one WeCom message, in the recipient's language and zone."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from portal.db.message_view import InterviewInfo, Panelist, Recipient
from portal.db.outbox import OutboxRow
from portal.i18n import Catalogs
from portal.notifications import kinds
from portal.notifications.render import RENDERERS, Draft, Voice, render
from portal.wecom import ButtonInteractionCard, TextNoticeCard, build_send_body
from tests.support.when import NOW, SHANGHAI, WEDNESDAY, days_after, local_day, next_weekday_at

CATALOGS = Catalogs()
CREATED = NOW  # the row was queued when the clock stood at NOW
START = next_weekday_at(WEDNESDAY, time(14), after=NOW)  # the Wednesday after, 14:00 Shanghai
THURSDAY_10 = days_after(START, 1, time(10))  # the day after, 10:00 in Shanghai


def month_day(moment: datetime, zone: ZoneInfo = SHANGHAI) -> str:
    """The local date as the English cards write it after the weekday ("Mar 4")."""
    local = moment.astimezone(zone)
    return f"{local:%b} {local.day}"


def _row(kind: str, **payload: Any) -> OutboxRow:
    values: dict[str, Any] = dict.fromkeys(OutboxRow.__dataclass_fields__)
    values |= {
        "id": 7,
        "kind": kind,
        "recipient": "zhangwei",
        "interview_id": 42,
        "payload": {"interview_id": 42, **payload},
        "dedupe_key": "k",
        "status": "sending",
        "attempts": 1,
        "next_attempt_at": CREATED,
        "created_at": CREATED,
        "claimed_by": "w",
    }
    return OutboxRow(**values)


def _info(rsvp: str = "pending", **changes: Any) -> InterviewInfo:
    panel = (Panelist(1, "zhangwei", "张伟", True, rsvp, None, None),)
    values: dict[str, Any] = {
        "id": 42,
        "candidate": "王五",
        "position": "Backend engineer",
        "round": 2,
        "starts_at": START,
        "ends_at": START + timedelta(hours=1),
        "timezone": "Asia/Shanghai",
        "location": "Room 3",
        "room_url": "https://rooms.example.com/r/1",
        "status": "scheduled",
        "version": 3,
        "cancel_reason": None,
        "created_by": None,
        "panel": panel,
    }
    return InterviewInfo(**(values | changes))


def _draft(
    kind: str,
    *,
    lang: str = "en",
    zone: str = "Asia/Shanghai",
    info: InterviewInfo | None = None,
    extra: dict[str, Any] | None = None,
    **payload: Any,
) -> Draft:
    voice = Voice(CATALOGS.get(lang), zone)
    return Draft(
        _row(kind, **payload),
        Recipient("zhangwei"),
        voice,
        "https://portal.example.com",
        info or _info(),
        extra or {},
    )


def test_every_message_kind_has_a_renderer() -> None:
    assert set(RENDERERS) == kinds.MESSAGE_KINDS


@pytest.mark.parametrize("kind", sorted(kinds.MESSAGE_KINDS - {kinds.DAILY_DIGEST}))
def test_render_each_kind_builds_a_valid_send_body(kind: str) -> None:
    message = render(_draft(kind, extra={"interviewer": "李娜"}))
    body = build_send_body(message, agent_id=1000002, touser="zhangwei")
    card = body["template_card"]
    assert card["task_id"] == f"itv42-ob7-{int(CREATED.timestamp())}"
    assert card["card_action"]["url"].startswith("https://portal.example.com/")


def test_render_invitation_has_accept_and_decline_buttons() -> None:
    message = render(_draft(kinds.INVITED))
    assert isinstance(message, ButtonInteractionCard)
    payload = message.payload()
    assert [(b["text"], b["key"]) for b in payload["button_list"]] == [
        ("Accept", "rsvp:42:3:accept"),  # version 3, the interview's now
        ("Decline", "rsvp:42:3:decline"),
    ]
    assert payload["sub_title_text"] == f"Wed, {month_day(START)} 2:00\u202fPM–3:00\u202fPM"
    assert payload["card_action"]["url"] == "https://portal.example.com/mine/42"


def test_render_invitation_already_answered_has_no_buttons() -> None:
    message = render(_draft(kinds.INVITED, info=_info(rsvp="accepted")))
    assert isinstance(message, TextNoticeCard)
    assert message.payload()["sub_title_text"] == "You have already accepted."


def test_render_times_follow_the_recipient_zone() -> None:
    card = render(_draft(kinds.REMINDER, zone="America/New_York")).payload()
    # 14:00 in Shanghai is 06:00 UTC: 01:00 (EST) or 02:00 (EDT) the same Wednesday in New York.
    new_york = ZoneInfo("America/New_York")
    start = START.astimezone(new_york)
    end = start + timedelta(hours=1)
    title = f"{start:%-I}:00\u202fAM–{end:%-I}:00\u202fAM"
    assert card["emphasis_content"] == {
        "title": title,
        "desc": f"Wed, {month_day(START, new_york)}",
    }
    assert {"keyname": "Zone", "value": "America/New_York"} in card["horizontal_content_list"]


def test_render_chinese_by_default_dates_and_times() -> None:
    card = render(_draft(kinds.REMINDER, lang="zh")).payload()
    day = local_day(START)
    assert card["emphasis_content"] == {
        "title": "14:00–15:00",
        "desc": f"{day.month}月{day.day}日周三",
    }


def test_render_cancellation_gives_the_reason() -> None:
    card = render(_draft(kinds.CANCELLED, reason="The role was filled")).payload()
    assert card["main_title"]["title"] == "Interview cancelled"
    assert card["sub_title_text"] == "Reason: The role was filled"


def test_render_reschedule_request_lists_the_windows() -> None:
    windows = [
        {
            "starts_at": THURSDAY_10.isoformat(),
            "ends_at": (THURSDAY_10 + timedelta(hours=1)).isoformat(),
        },
        {"starts_at": "not a time", "ends_at": "x"},
    ]
    card = render(
        _draft(kinds.CANDIDATE_RESCHEDULE_REQUEST, windows=windows, message="  Busy  that day ")
    ).payload()
    assert card["sub_title_text"] == "Message: Busy that day"
    option = f"Thu, {month_day(THURSDAY_10)} 10:00\u202fAM–11:00\u202fAM"
    assert {"keyname": "Option 1", "value": option} in card["horizontal_content_list"]
    assert card["card_action"]["url"] == "https://portal.example.com/interviews/42"


def test_render_declined_names_the_interviewer() -> None:
    card = render(_draft(kinds.INTERVIEWER_DECLINED, extra={"interviewer": "李娜"})).payload()
    assert card["main_title"]["title"] == "李娜 declined"


def test_render_feedback_follow_up_counts_reminders() -> None:
    card = render(_draft(kinds.FEEDBACK_DUE, reminder=3)).payload()
    assert card["sub_title_text"].endswith("Reminder 3 of 5.")


def test_render_digest_lists_the_day() -> None:
    infos = [_info(id=n, starts_at=START + timedelta(hours=n)) for n in range(8)]
    draft = _draft(kinds.DAILY_DIGEST, extra={"date": local_day(START), "interviews": infos})
    card = render(draft).payload()
    assert len(card["horizontal_content_list"]) == 6
    assert card["horizontal_content_list"][0] == {
        "keyname": "2:00\u202fPM",
        "value": "王五 · Backend engineer",
    }
    assert card["sub_title_text"] == "Interviews that day: 8. 2 more in the portal."
    assert card["card_action"]["url"] == "https://portal.example.com/board"


@pytest.mark.parametrize(
    ("room_url", "platform"), [("https://rooms.example.com/r/1", False), (None, True)]
)
def test_render_join_goes_through_the_portal_to_ones_own_seat(
    room_url: str | None, platform: bool
) -> None:
    info = _info(room_url=room_url, has_platform_room=platform)
    card = render(_draft(kinds.INVITED, info=info)).payload()
    join = {"keyname": "Room", "value": "Join", "type": 1}
    join["url"] = "https://portal.example.com/mine/42/join"
    assert join in card["horizontal_content_list"]
    assert "rooms.example.com" not in str(card)  # no link that is not the member's own


def test_render_without_any_room_has_no_join() -> None:
    card = render(_draft(kinds.INVITED, info=_info(room_url=None))).payload()
    assert all(item["keyname"] != "Room" for item in card["horizontal_content_list"])
