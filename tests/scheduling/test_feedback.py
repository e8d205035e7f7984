from __future__ import annotations

from dataclasses import dataclass

import pytest

from portal.scheduling import feedback as fb
from portal.scheduling.feedback import (
    FeedbackLocked,
    Viewer,
    can_edit_feedback,
    can_view_feedback,
    ensure_feedback_editable,
    visible_feedback,
)


@dataclass(frozen=True)
class Entry:
    person_id: int
    status: str


ME, OTHER = 1, 2
INTERVIEWER = Viewer(ME, on_panel=True)
HR = Viewer(ME, is_hr=True)
HR_ON_PANEL = Viewer(ME, is_hr=True, on_panel=True)
OUTSIDER = Viewer(ME)
MY_DRAFT, MY_SUBMITTED = Entry(ME, "draft"), Entry(ME, "submitted")
THEIR_DRAFT, THEIR_SUBMITTED = Entry(OTHER, "draft"), Entry(OTHER, "submitted")


@pytest.mark.parametrize(
    ("viewer", "entry", "own_submitted", "expected"),
    [
        (INTERVIEWER, MY_DRAFT, False, True),
        (INTERVIEWER, MY_SUBMITTED, True, True),
        (INTERVIEWER, THEIR_SUBMITTED, False, False),  # not before submitting my own
        (INTERVIEWER, THEIR_SUBMITTED, True, True),
        (INTERVIEWER, THEIR_DRAFT, True, False),
        (HR, THEIR_SUBMITTED, False, True),  # HR writes none, sees all submitted
        (HR, THEIR_DRAFT, False, False),
        (HR_ON_PANEL, THEIR_SUBMITTED, False, False),  # on the panel: interviewer rule
        (HR_ON_PANEL, THEIR_SUBMITTED, True, True),
        (OUTSIDER, THEIR_SUBMITTED, False, False),
    ],
)
def test_can_view_feedback_rule_table(
    viewer: Viewer, entry: Entry, own_submitted: bool, expected: bool
) -> None:
    assert can_view_feedback(viewer, entry, own_submitted=own_submitted) is expected


def test_visible_feedback_before_own_submission_shows_only_own() -> None:
    entries = [MY_DRAFT, THEIR_SUBMITTED, Entry(3, "submitted")]
    assert visible_feedback(INTERVIEWER, entries) == [MY_DRAFT]


def test_visible_feedback_after_own_submission_shows_others_submitted() -> None:
    entries = [MY_SUBMITTED, THEIR_SUBMITTED, Entry(3, "draft")]
    assert visible_feedback(INTERVIEWER, entries) == [MY_SUBMITTED, THEIR_SUBMITTED]


def test_visible_feedback_hr_sees_all_submitted_only() -> None:
    entries = [Entry(2, "submitted"), Entry(3, "draft"), Entry(4, "submitted")]
    assert visible_feedback(Viewer(9, is_hr=True), entries) == [entries[0], entries[2]]


@pytest.mark.parametrize(
    ("viewer", "entry", "expected"),
    [
        (INTERVIEWER, None, True),  # starting a scorecard
        (INTERVIEWER, MY_DRAFT, True),
        (INTERVIEWER, MY_SUBMITTED, False),
        (INTERVIEWER, THEIR_DRAFT, False),
        (HR, None, False),
        (HR, THEIR_DRAFT, False),
        (OUTSIDER, MY_DRAFT, False),  # removed from the panel
    ],
)
def test_can_edit_feedback_rule_table(viewer: Viewer, entry: Entry | None, expected: bool) -> None:
    assert can_edit_feedback(viewer, entry) is expected


def test_ensure_feedback_editable_submitted_raises_409() -> None:
    with pytest.raises(FeedbackLocked) as caught:
        ensure_feedback_editable(INTERVIEWER, MY_SUBMITTED)
    assert (caught.value.status, caught.value.message) == (409, fb.ALREADY_SUBMITTED)


def test_ensure_feedback_editable_someone_elses_raises_403() -> None:
    with pytest.raises(FeedbackLocked) as caught:
        ensure_feedback_editable(INTERVIEWER, THEIR_DRAFT)
    assert (caught.value.status, caught.value.message) == (403, fb.NOT_YOURS)


def test_recommendation_labels_cover_every_choice() -> None:
    assert set(fb.RECOMMENDATION_LABELS) == set(fb.Recommendation)
