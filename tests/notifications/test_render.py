"""Renderers: one outbox row → one WeCom message, in the recipient's language and zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from portal.db.outbox import OutboxRow
from portal.i18n import Catalogs
from portal.notifications import kinds
from portal.notifications.context import InterviewInfo, Panelist, Recipient
from portal.notifications.render import RENDERERS, Draft, Voice, render
from portal.wecom import ButtonInteractionCard, TextNoticeCard, build_send_body

CATALOGS = Catalogs()
START = datetime(2026, 3, 4, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai
CREATED = datetime(2026, 3, 1, tzinfo=UTC)


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
    assert card["task_id"] == "itv42-ob7-1772323200"
    assert card["card_action"]["url"].startswith("https://portal.example.com/")


def test_render_invitation_has_accept_and_decline_buttons() -> None:
    message = render(_draft(kinds.INVITED))
    assert isinstance(message, ButtonInteractionCard)
    payload = message.payload()
    assert [(b["text"], b["key"]) for b in payload["button_list"]] == [
        ("Accept", "rsvp:42:accept"),
        ("Decline", "rsvp:42:decline"),
    ]
    assert payload["sub_title_text"] == "Wed, Mar 4 2:00\u202fPM–3:00\u202fPM"
    assert payload["card_action"]["url"] == "https://portal.example.com/mine/42"


def test_render_invitation_already_answered_has_no_buttons() -> None:
    message = render(_draft(kinds.INVITED, info=_info(rsvp="accepted")))
    assert isinstance(message, TextNoticeCard)
    assert message.payload()["sub_title_text"] == "You have already accepted."


def test_render_times_follow_the_recipient_zone() -> None:
    card = render(_draft(kinds.REMINDER, zone="America/New_York")).payload()
    assert card["emphasis_content"] == {"title": "1:00\u202fAM–2:00\u202fAM", "desc": "Wed, Mar 4"}
    assert {"keyname": "Zone", "value": "America/New_York"} in card["horizontal_content_list"]


def test_render_chinese_by_default_dates_and_times() -> None:
    card = render(_draft(kinds.REMINDER, lang="zh")).payload()
    assert card["emphasis_content"] == {"title": "14:00–15:00", "desc": "3月4日周三"}


def test_render_cancellation_gives_the_reason() -> None:
    card = render(_draft(kinds.CANCELLED, reason="The role was filled")).payload()
    assert card["main_title"]["title"] == "Interview cancelled"
    assert card["sub_title_text"] == "Reason: The role was filled"


def test_render_reschedule_request_lists_the_windows() -> None:
    windows = [
        {"starts_at": "2026-03-05T02:00:00+00:00", "ends_at": "2026-03-05T03:00:00+00:00"},
        {"starts_at": "not a time", "ends_at": "x"},
    ]
    card = render(
        _draft(kinds.CANDIDATE_RESCHEDULE_REQUEST, windows=windows, message="  Busy  that day ")
    ).payload()
    assert card["sub_title_text"] == "Message: Busy that day"
    assert {"keyname": "Option 1", "value": "Thu, Mar 5 10:00\u202fAM–11:00\u202fAM"} in card[
        "horizontal_content_list"
    ]
    assert card["card_action"]["url"] == "https://portal.example.com/interviews/42"


def test_render_declined_names_the_interviewer() -> None:
    card = render(_draft(kinds.INTERVIEWER_DECLINED, extra={"interviewer": "李娜"})).payload()
    assert card["main_title"]["title"] == "李娜 declined"


def test_render_feedback_follow_up_counts_reminders() -> None:
    card = render(_draft(kinds.FEEDBACK_DUE, reminder=3)).payload()
    assert card["sub_title_text"].endswith("Reminder 3 of 5.")


def test_render_digest_lists_the_day() -> None:
    infos = [_info(id=n, starts_at=START + timedelta(hours=n)) for n in range(8)]
    draft = _draft(kinds.DAILY_DIGEST, extra={"date": date(2026, 3, 4), "interviews": infos})
    card = render(draft).payload()
    assert len(card["horizontal_content_list"]) == 6
    assert card["horizontal_content_list"][0] == {
        "keyname": "2:00\u202fPM",
        "value": "王五 · Backend engineer",
    }
    assert card["sub_title_text"] == "Interviews that day: 8. 2 more in the portal."
    assert card["card_action"]["url"] == "https://portal.example.com/board"
