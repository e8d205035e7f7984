from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest
from starlette.datastructures import FormData, UploadFile

from portal.scheduling import fields as f
from portal.scheduling import slots
from portal.scheduling import validation as v
from portal.scheduling.feedback import Recommendation
from portal.scheduling.fields import ValidationFailed
from portal.scheduling.timezones import NONEXISTENT_TIME, UNKNOWN_ZONE
from portal.scheduling.validation import (
    NewCandidate,
    RsvpResponse,
    validate_cancel,
    validate_interview,
    validate_reschedule,
    validate_reschedule_request,
    validate_rsvp,
    validate_scorecard,
)
from tests.support.when import NOW, local_at, local_day

DAY = local_day(NOW, 7)  # the Tuesday a week after NOW, in Shanghai
Fields = dict[str, str | list[str]]
INTERVIEW: Fields = {
    "candidate_id": "12",
    "position_id": "3",
    "round": "2",
    "date": DAY.isoformat(),
    "time": "10:00",
    "duration": "60",
    "timezone": "Asia/Shanghai",
    "interviewer_ids": ["4", "5"],
    "room_url": "https://meet.example.com/r/abc",
    "location": "",
    "notes": "",
    "candidate_prep": "Bring a laptop.",
    "hide_interviewers": "on",
    "version": "3",
}


def form(base: Fields, **changes: str | list[str] | None) -> FormData:
    merged = {**base, **changes}
    items: list[tuple[str, str | UploadFile]] = []
    for name, value in merged.items():
        if value is None:
            continue
        for one in [value] if isinstance(value, str) else value:
            items.append((name, one))
    return FormData(items)


def errors_of(call: Callable[..., object], *args: object, **kwargs: object) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        call(*args, **kwargs)
    assert caught.value.status == 422
    return caught.value.errors


def test_validate_interview_valid_form_returns_draft() -> None:
    draft = validate_interview(form(INTERVIEW))
    assert (draft.candidate_id, draft.new_candidate) == (12, None)
    assert (draft.position_id, draft.round, draft.version) == (3, 2, 3)
    assert draft.slot.starts_at == local_at(DAY, time(10))
    assert draft.slot.duration.total_seconds() == 3600
    assert (draft.timezone, draft.interviewer_ids) == ("Asia/Shanghai", (4, 5))
    assert (draft.room_url, draft.location, draft.notes) == (INTERVIEW["room_url"], None, None)
    assert (draft.candidate_prep, draft.hide_interviewers, draft.override) == (
        "Bring a laptop.",
        True,
        False,
    )


def test_validate_interview_new_candidate_returns_new_candidate() -> None:
    draft = validate_interview(
        form(
            INTERVIEW,
            candidate_id=None,
            candidate_name="  Wang Fang ",
            candidate_phone="+86 138-0013-8000",
            candidate_email="wang@example.com",
            version=None,
        )
    )
    assert draft.candidate_id is None and draft.version is None
    assert draft.new_candidate == NewCandidate("Wang Fang", "+86 138-0013-8000", "wang@example.com")


def test_validate_interview_full_width_phone_digits_become_ascii() -> None:
    draft = validate_interview(
        form(
            INTERVIEW,
            candidate_id=None,
            candidate_name="Li",
            candidate_phone="１３８００１３８０００",
        )
    )
    assert draft.new_candidate is not None and draft.new_candidate.phone == "13800138000"


LONG = "x" * 5000


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("candidate_id", "abc", f.NOT_A_NUMBER),
        ("candidate_id", "0", f.OUT_OF_RANGE),
        ("candidate_id", "99999999999", f.NOT_A_NUMBER),
        ("position_id", "", f.REQUIRED),
        ("position_id", "1.5", f.NOT_A_NUMBER),
        ("round", "0", f.OUT_OF_RANGE),
        ("round", "11", f.OUT_OF_RANGE),
        ("round", "", f.REQUIRED),
        ("date", "", f.REQUIRED),
        pytest.param("date", DAY.strftime("%Y/%m/%d"), f.BAD_DATE, id="date-slashes"),
        ("date", "2026-02-30", f.BAD_DATE),  # no such day
        pytest.param("date", DAY.strftime("%Y%m%d"), f.BAD_DATE, id="date-no-dashes"),
        ("time", "25:00", f.BAD_TIME),
        ("time", "9am", f.BAD_TIME),
        ("time", "", f.REQUIRED),
        ("duration", "14", f.OUT_OF_RANGE),
        ("duration", "481", f.OUT_OF_RANGE),
        ("duration", "sixty", f.NOT_A_NUMBER),
        ("timezone", "Mars/Base", UNKNOWN_ZONE),
        ("timezone", "", f.REQUIRED),
        ("interviewer_ids", [], v.NO_INTERVIEWERS),
        ("interviewer_ids", ["", " "], v.NO_INTERVIEWERS),
        ("interviewer_ids", [str(i) for i in range(1, 8)], v.TOO_MANY_INTERVIEWERS),
        ("interviewer_ids", ["4", "4"], v.DUPLICATE_INTERVIEWER),
        ("interviewer_ids", ["4", "zhang"], f.BAD_CHOICE),
        ("interviewer_ids", ["-4"], f.BAD_CHOICE),
        ("room_url", "ftp://files.example.com/x", f.BAD_URL),
        ("room_url", "javascript:alert(1)", f.BAD_URL),
        ("room_url", "https://exa mple.com/", f.BAD_URL),
        ("room_url", "https://", f.BAD_URL),
        ("room_url", "http://[::1/", f.BAD_URL),
        ("room_url", "https://example.com/" + "a" * 2030, f.TOO_LONG),
        ("location", "x" * 257, f.TOO_LONG),
        ("location", "Room\x00 3", f.BAD_CHARACTERS),
        ("notes", "x" * 4001, f.TOO_LONG),
        ("candidate_prep", LONG, f.TOO_LONG),
        ("version", "0", f.OUT_OF_RANGE),
        ("version", "v2", f.NOT_A_NUMBER),
    ],
)
def test_validate_interview_bad_field_reports_its_msgid(
    field: str, value: str | list[str], message: str
) -> None:
    assert errors_of(validate_interview, form(INTERVIEW, **{field: value})) == {field: message}


NEW = {"candidate_id": None, "candidate_name": "Wang Fang"}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"candidate_id": ""}, {"candidate_id": v.CANDIDATE_MISSING}),
        ({"candidate_name": "Wang"}, {"candidate_id": v.CANDIDATE_TWICE}),
        (
            {**NEW, "candidate_name": "", "candidate_phone": "13800138000"},
            {"candidate_name": f.REQUIRED},
        ),
        ({**NEW, "candidate_name": "x" * 129}, {"candidate_name": f.TOO_LONG}),
        ({**NEW, "candidate_name": "Wang\nFang"}, {"candidate_name": f.BAD_CHARACTERS}),
        ({**NEW, "candidate_phone": "1234"}, {"candidate_phone": f.BAD_PHONE}),
        ({**NEW, "candidate_phone": "1" * 33}, {"candidate_phone": f.BAD_PHONE}),
        ({**NEW, "candidate_phone": "138abc0013"}, {"candidate_phone": f.BAD_PHONE}),
        ({**NEW, "candidate_phone": "138-0013-"}, {"candidate_phone": f.BAD_PHONE}),
        ({**NEW, "candidate_phone": "86+13800138000"}, {"candidate_phone": f.BAD_PHONE}),
        ({**NEW, "candidate_email": "nope"}, {"candidate_email": f.BAD_EMAIL}),
        ({**NEW, "candidate_email": "a@b"}, {"candidate_email": f.BAD_EMAIL}),
        ({**NEW, "candidate_email": "a b@example.com"}, {"candidate_email": f.BAD_EMAIL}),
        ({**NEW, "candidate_email": "a@" + "b" * 250 + ".com"}, {"candidate_email": f.BAD_EMAIL}),
    ],
)
def test_validate_interview_bad_candidate_reports_its_msgid(
    changes: dict[str, str | None], expected: dict[str, str]
) -> None:
    assert errors_of(validate_interview, form(INTERVIEW, **changes)) == expected


def test_validate_interview_empty_form_reports_every_required_field() -> None:
    assert errors_of(validate_interview, FormData()) == {
        "candidate_id": v.CANDIDATE_MISSING,
        "position_id": f.REQUIRED,
        "round": f.REQUIRED,
        "date": f.REQUIRED,
        "time": f.REQUIRED,
        "timezone": f.REQUIRED,
        "duration": f.REQUIRED,
        "interviewer_ids": v.NO_INTERVIEWERS,
    }


def test_validate_interview_several_bad_fields_reported_together_with_params() -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_interview(form(INTERVIEW, round="12", location="x" * 300, room_url="ftp://x"))
    error = caught.value
    assert error.errors == {"round": f.OUT_OF_RANGE, "location": f.TOO_LONG, "room_url": f.BAD_URL}
    assert error.error_params["round"] == {"min": 1, "max": 10}
    assert error.error_params["location"] == {"max": 256}
    assert error.message == f.INVALID_FORM and error.params == {"count": 3}


def test_validate_interview_time_in_dst_gap_reports_time_field() -> None:
    bad = form(INTERVIEW, date="2026-03-08", time="02:30", timezone="America/New_York")
    with pytest.raises(ValidationFailed) as caught:
        validate_interview(bad)
    assert caught.value.errors == {"time": NONEXISTENT_TIME}
    assert caught.value.error_params["time"]["suggestion"] == "03:30"


def test_validate_interview_time_in_dst_fold_takes_first_occurrence() -> None:
    draft = validate_interview(
        form(INTERVIEW, date="2026-11-01", time="01:30", timezone="America/New_York")
    )
    assert draft.slot.starts_at == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_validate_interview_notes_crlf_counts_as_one_character() -> None:
    draft = validate_interview(form(INTERVIEW, notes="a\r\n" * 2000))
    assert draft.notes is not None and len(draft.notes) == 3999


@pytest.mark.parametrize(("value", "expected"), [("on", True), ("true", True), ("", False)])
def test_validate_interview_override_checkbox(value: str, expected: bool) -> None:
    assert validate_interview(form(INTERVIEW, override=value)).override is expected


def test_validate_interview_seconds_in_time_are_accepted() -> None:
    draft = validate_interview(form(INTERVIEW, time="10:00:00"))
    assert draft.slot.starts_at.hour == 2


RESCHEDULE: Fields = {
    "date": (DAY + timedelta(days=1)).isoformat(),
    "time": "14:00",
    "duration": "45",
    "timezone": "Asia/Shanghai",
    "reason": "Interviewer travelling",
    "version": "4",
}


def test_validate_reschedule_valid_form_returns_draft() -> None:
    draft = validate_reschedule(form(RESCHEDULE, override="on"))
    assert draft.slot.starts_at == local_at(DAY + timedelta(days=1), time(14))
    assert (draft.reason, draft.override, draft.version) == ("Interviewer travelling", True, 4)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"reason": "x" * 1001}, {"reason": f.TOO_LONG}),
        ({"date": "", "duration": "5"}, {"date": f.REQUIRED, "duration": f.OUT_OF_RANGE}),
        ({"timezone": "Nowhere"}, {"timezone": UNKNOWN_ZONE}),
    ],
)
def test_validate_reschedule_bad_fields_reported(
    changes: dict[str, str], expected: dict[str, str]
) -> None:
    assert errors_of(validate_reschedule, form(RESCHEDULE, **changes)) == expected


def test_validate_reschedule_without_reason_is_fine() -> None:
    assert validate_reschedule(form(RESCHEDULE, reason="")).reason is None


@pytest.mark.parametrize(
    ("reason", "message"), [("", f.REQUIRED), ("   ", f.REQUIRED), ("x" * 1001, f.TOO_LONG)]
)
def test_validate_cancel_bad_reason_reports_msgid(reason: str, message: str) -> None:
    assert errors_of(validate_cancel, form({"reason": reason})) == {"reason": message}


def test_validate_cancel_with_reason_returns_draft() -> None:
    draft = validate_cancel(form({"reason": " Position filled ", "version": "2"}))
    assert (draft.reason, draft.version) == ("Position filled", 2)


@pytest.mark.parametrize(
    ("fields", "response", "reason"),
    [
        ({"response": "accept"}, RsvpResponse.ACCEPTED, None),
        ({"response": "decline", "reason": "On leave"}, RsvpResponse.DECLINED, "On leave"),
    ],
)
def test_validate_rsvp_valid_answer_returns_draft(
    fields: Fields, response: RsvpResponse, reason: str | None
) -> None:
    draft = validate_rsvp(form(fields))
    assert (draft.response, draft.reason) == (response, reason)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"response": "decline"}, {"reason": v.DECLINE_NEEDS_REASON}),
        ({"response": "maybe"}, {"response": f.BAD_CHOICE}),
        ({"response": "accepted"}, {"response": f.BAD_CHOICE}),
        ({}, {"response": f.REQUIRED}),
        ({"response": "accept", "reason": "x" * 1001}, {"reason": f.TOO_LONG}),
    ],
)
def test_validate_rsvp_bad_answer_reports_msgid(fields: Fields, expected: dict[str, str]) -> None:
    assert errors_of(validate_rsvp, form(fields)) == expected


def test_validate_scorecard_empty_draft_is_allowed() -> None:
    card = validate_scorecard(FormData(), submit=False)
    assert (card.rating, card.recommendation, card.notes, card.submit) == (None, None, None, False)


def test_validate_scorecard_submission_needs_rating_and_recommendation() -> None:
    assert errors_of(validate_scorecard, form({"strengths": "Clear"}), submit=True) == {
        "rating": f.REQUIRED,
        "recommendation": f.REQUIRED,
    }


def test_validate_scorecard_complete_submission_returns_card() -> None:
    fields: Fields = {"rating": "4", "recommendation": "strong_yes", "concerns": "None"}
    card = validate_scorecard(form(fields), submit=True)
    assert (card.rating, card.recommendation, card.concerns, card.submit) == (
        4,
        Recommendation.STRONG_YES,
        "None",
        True,
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rating", "0", f.OUT_OF_RANGE),
        ("rating", "5", f.OUT_OF_RANGE),
        ("rating", "good", f.NOT_A_NUMBER),
        ("recommendation", "maybe", f.BAD_CHOICE),
        ("strengths", LONG, f.TOO_LONG),
        ("concerns", LONG, f.TOO_LONG),
        ("notes", LONG, f.TOO_LONG),
    ],
)
@pytest.mark.parametrize("submit", [False, True])
def test_validate_scorecard_bad_field_reports_msgid_draft_or_not(
    field: str, value: str, message: str, submit: bool
) -> None:
    fields: Fields = {"rating": "3", "recommendation": "yes", field: value}
    assert errors_of(validate_scorecard, form(fields), submit=submit) == {field: message}


def day_after(days: int) -> str:
    """The form value for `days` days after DAY."""
    return (DAY + timedelta(days=days)).isoformat()


REQUEST: Fields = {
    "timezone": "Asia/Shanghai",
    "window1_date": day_after(1),
    "window1_start": "09:00",
    "window1_end": "12:00",
    "message": "Mornings suit me best.",
}


def test_validate_reschedule_request_one_window_returns_request() -> None:
    request = validate_reschedule_request(form(REQUEST), now=NOW)
    assert [(w.starts_at.hour, w.ends_at.hour) for w in request.windows] == [(1, 4)]
    assert (request.timezone, request.message) == ("Asia/Shanghai", "Mornings suit me best.")


def test_validate_reschedule_request_three_windows_keeps_order() -> None:
    more = {
        "window2_date": day_after(2),
        "window2_start": "14:00",
        "window2_end": "15:00",
        "window3_date": day_after(3),
        "window3_start": "10:00",
        "window3_end": "10:30",
    }
    request = validate_reschedule_request(form(REQUEST, **more), now=NOW)
    assert [local_day(w.starts_at) for w in request.windows] == [
        DAY + timedelta(days=n) for n in (1, 2, 3)
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"window1_date": "", "window1_start": "", "window1_end": ""}, {"windows": v.NO_WINDOWS}),
        ({"window1_date": local_day(NOW, -1).isoformat()}, {"window1": v.WINDOW_IN_PAST}),
        ({"window1_end": "08:00"}, {"window1": slots.END_BEFORE_START}),
        ({"window1_end": "09:10"}, {"window1": slots.TOO_SHORT}),
        ({"window1_end": "18:00"}, {"window1": slots.TOO_LONG}),
        (
            {"window1_start": "", "window1_end": ""},
            {"window1_start": f.REQUIRED, "window1_end": f.REQUIRED},
        ),
        ({"window2_start": "10:00"}, {"window2_date": f.REQUIRED, "window2_end": f.REQUIRED}),
        ({"timezone": "Moon/Base"}, {"timezone": UNKNOWN_ZONE}),
        ({"message": "x" * 1001}, {"message": f.TOO_LONG}),
    ],
)
def test_validate_reschedule_request_bad_window_reports_msgid(
    changes: dict[str, str], expected: dict[str, str]
) -> None:
    assert errors_of(validate_reschedule_request, form(REQUEST, **changes), now=NOW) == expected


def test_validate_reschedule_request_dst_gap_end_reports_end_field() -> None:
    gap = {"timezone": "America/New_York", "window1_date": "2026-03-08", "window1_start": "00:30"}
    bad = form(REQUEST, **gap, window1_end="02:30")
    before_the_gap = datetime(2026, 1, 1, tzinfo=UTC)
    assert errors_of(validate_reschedule_request, bad, now=before_the_gap) == {
        "window1_end": NONEXISTENT_TIME
    }
