"""Who may read and who may edit interview feedback.

Our reading of the rule "HR and the other interviewers of that interview see submitted
feedback only after submitting their own": an interviewer on the panel sees the others'
*submitted* scorecards only once their own is submitted, so their judgement stays independent.
HR and admins, who write no scorecard, see every submitted one straight away. Sitting on the
panel outweighs the role: an HR person interviewing follows the interviewer rule. Drafts are
private to their author; a submitted scorecard is read-only for everyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar

from portal.errors import DomainError
from portal.scheduling.messages import N_

ALREADY_SUBMITTED = N_("This feedback has been submitted and can no longer be changed.")
NOT_YOURS = N_("You can only edit your own feedback for interviews you are on.")


class Recommendation(StrEnum):
    STRONG_NO = "strong_no"
    NO = "no"
    YES = "yes"
    STRONG_YES = "strong_yes"


RECOMMENDATION_LABELS: dict[Recommendation, str] = {
    Recommendation.STRONG_NO: N_("Strong no"),
    Recommendation.NO: N_("No"),
    Recommendation.YES: N_("Yes"),
    Recommendation.STRONG_YES: N_("Strong yes"),
}


class FeedbackStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class FeedbackLike(Protocol):
    """Any feedback row: the author and its status."""

    @property
    def person_id(self) -> int: ...

    @property
    def status(self) -> str: ...


_F = TypeVar("_F", bound=FeedbackLike)


@dataclass(frozen=True, slots=True)
class Viewer:
    """Someone looking at one interview's feedback.

    `is_hr` is true for HR and admins; `on_panel` for an active interviewer of this interview.
    """

    person_id: int
    is_hr: bool = False
    on_panel: bool = False


class FeedbackLocked(DomainError):
    status = 409


def can_view_feedback(viewer: Viewer, entry: FeedbackLike, *, own_submitted: bool) -> bool:
    """Whether `viewer` may read `entry`; `own_submitted`: the viewer's scorecard is in."""
    if entry.person_id == viewer.person_id:
        return True
    if entry.status != FeedbackStatus.SUBMITTED:
        return False
    if viewer.on_panel:
        return own_submitted
    return viewer.is_hr


def visible_feedback(viewer: Viewer, entries: Iterable[_F]) -> list[_F]:
    """The entries of one interview that `viewer` may read, in their order."""
    entries = list(entries)
    own_submitted = any(
        entry.person_id == viewer.person_id and entry.status == FeedbackStatus.SUBMITTED
        for entry in entries
    )
    return [
        entry for entry in entries if can_view_feedback(viewer, entry, own_submitted=own_submitted)
    ]


def can_edit_feedback(viewer: Viewer, entry: FeedbackLike | None) -> bool:
    """Whether `viewer` may write `entry` (None: their scorecard does not exist yet)."""
    return _edit_refusal(viewer, entry) is None


def ensure_feedback_editable(viewer: Viewer, entry: FeedbackLike | None) -> None:
    """Raise `FeedbackLocked` unless `viewer` may write `entry`."""
    refusal = _edit_refusal(viewer, entry)
    if refusal is not None:
        raise refusal


def _edit_refusal(viewer: Viewer, entry: FeedbackLike | None) -> FeedbackLocked | None:
    if not viewer.on_panel or (entry is not None and entry.person_id != viewer.person_id):
        return FeedbackLocked(NOT_YOURS, status=403)
    if entry is not None and entry.status == FeedbackStatus.SUBMITTED:
        return FeedbackLocked(ALREADY_SUBMITTED)
    return None
