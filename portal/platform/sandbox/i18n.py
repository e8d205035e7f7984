"""Chinese and English labels for the room pages (Chinese by default, like the platform)."""

from __future__ import annotations

from collections.abc import Mapping

LANGS = ("zh", "en")

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "sandbox": "面试平台沙箱",
        "switch": "English",
        "rooms": "面试间",
        "no_rooms": "还没有面试间",
        "room": "面试间",
        "you_are": "你的身份",
        "candidate": "候选人",
        "interviewer": "面试官",
        "observer": "旁听（共享链接）",
        "candidate_name": "候选人",
        "interviewers": "面试官",
        "type": "类型",
        "type_1": "技术面试",
        "type_2": "非技术面试",
        "status": "状态",
        "status_none": "未开始",
        "status_interview_opened": "未开始",
        "status_interview_started": "进行中",
        "status_interview_ended": "已结束",
        "rating": "评分",
        "start": "开始面试",
        "end": "结束面试",
        "choose_rating": "综合评分（1-5）",
        "waiting": "请等待面试官开始面试。",
        "in_progress": "面试进行中。",
        "ready": "准备好后点击“开始面试”。",
        "running": "面试结束后选择综合评分，再点击“结束面试”。",
        "finished": "面试已结束，感谢参加。",
        "continue": "返回门户",
        "resume": "简历",
        "evaluation": "评价表",
        "candidate_link": "候选人链接",
        "shared_link": "共享面试官链接",
        "not_found_title": "链接无效",
        "not_found": "找不到这个面试间链接。请检查链接是否完整。",
        "revoked_title": "链接已失效",
        "revoked": "你已被移出这场面试，这个链接不再有效。",
        "error": "操作未完成",
        "bad_rating": "请选择 1 到 5 之间的评分。",
        "candidate_cannot": "候选人不能开始或结束面试。",
        "already_started": "面试已经开始了。",
        "already_ended": "面试已经结束了。",
        "not_started": "面试还没有开始。",
    },
    "en": {
        "sandbox": "Interview platform sandbox",
        "switch": "中文",
        "rooms": "Interview rooms",
        "no_rooms": "No rooms yet",
        "room": "Room",
        "you_are": "You are",
        "candidate": "Candidate",
        "interviewer": "Interviewer",
        "observer": "Observer (shared link)",
        "candidate_name": "Candidate",
        "interviewers": "Interviewers",
        "type": "Type",
        "type_1": "Technical",
        "type_2": "Non-technical",
        "status": "Status",
        "status_none": "Not started",
        "status_interview_opened": "Not started",
        "status_interview_started": "In progress",
        "status_interview_ended": "Ended",
        "rating": "Rating",
        "start": "Start the interview",
        "end": "End the interview",
        "choose_rating": "Overall rating (1-5)",
        "waiting": "Please wait for the interviewer to start.",
        "in_progress": "The interview is in progress.",
        "ready": "Press Start when you are ready.",
        "running": "When you are done, choose an overall rating and end the interview.",
        "finished": "The interview has ended. Thank you.",
        "continue": "Back to the portal",
        "resume": "Résumé",
        "evaluation": "Evaluation form",
        "candidate_link": "Candidate link",
        "shared_link": "Shared interviewer link",
        "not_found_title": "Invalid link",
        "not_found": "There is no interview room behind this link. Check that it is complete.",
        "revoked_title": "Link revoked",
        "revoked": "You were removed from this interview; this link no longer works.",
        "error": "Not done",
        "bad_rating": "Choose a rating from 1 to 5.",
        "candidate_cannot": "A candidate cannot start or end the interview.",
        "already_started": "The interview has already started.",
        "already_ended": "The interview has already ended.",
        "not_started": "The interview has not started yet.",
    },
}


def pick_lang(params: Mapping[str, str]) -> str:
    """The page language from a `lang` parameter (default Chinese)."""
    lang = params.get("lang", "zh")
    return lang if lang in LANGS else "zh"


def with_lang(url: str, lang: str) -> str:
    """`url` in `lang` (Chinese needs no parameter)."""
    return url if lang == "zh" else f"{url}?lang={lang}"
