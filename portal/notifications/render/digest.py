"""The HR morning digest: the day's interviews on one card."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from portal.db.message_view import InterviewInfo
from portal.notifications.render.common import Draft, source, subject, task_id
from portal.notifications.render.voice import clip
from portal.wecom import CardLink, CardTitle, HorizontalItem, Message, TextNoticeCard

MAX_LINES = 6
BOARD_PATH = "/board"


def daily_digest(draft: Draft) -> Message:
    voice = draft.voice
    day: date = draft.extra["date"]
    found: list[InterviewInfo] = draft.extra["interviews"]
    lines = [
        HorizontalItem(keyname=voice.clock(info.starts_at), value=subject(info))
        for info in found[:MAX_LINES]
    ]
    note = voice.t("Interviews that day: %(count)s.", count=len(found))
    if len(found) > MAX_LINES:
        note += " " + voice.t("%(more)s more in the portal.", more=len(found) - MAX_LINES)
    late: list[str] = draft.extra.get("no_reply", [])
    if late:
        note += " " + voice.t(
            "No reply for 2 working days (%(count)s): %(names)s.",
            count=len(late),
            names=clip(", ".join(late), 120),
        )
    url = draft.url(BOARD_PATH)
    return TextNoticeCard(
        source=source(draft),
        main_title=CardTitle(
            title=voice.t("Today's interviews"),
            desc=format_date(day, "full", locale=voice.language.babel_locale),
        ),
        sub_title_text=note,
        horizontal_content_list=lines,
        jump_list=[CardLink(type=1, title=voice.t("Open in the portal"), url=url)],
        card_action=CardLink(type=1, url=url),
        task_id=task_id(draft.row),
    )
