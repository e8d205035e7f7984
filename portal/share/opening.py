"""Opening a share link: the token proves itself, the row decides whether it still works."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from portal.db.database import Database
from portal.db.reschedule_requests import RescheduleRequest, open_reschedule_requests
from portal.db.share_links import ShareLink, get_link
from portal.db.share_view import CandidateInterview, candidate_interview
from portal.errors import Gone, NotFound
from portal.i18n import N_
from portal.scheduling import Actor
from portal.share.signing import LinkInvalid, verify_candidate_link

log = logging.getLogger(__name__)


class LinkNotFound(NotFound):
    message = N_("This link is not valid.")


class LinkGone(Gone):
    message = N_("This link is no longer valid. Please contact your recruiter.")


@dataclass(frozen=True)
class OpenedLink:
    link: ShareLink
    interview: CandidateInterview
    open_request: RescheduleRequest | None = None  # sent, not yet handled by HR

    @property
    def actor(self) -> Actor:
        return Actor.candidate(self.interview.detail.candidate_id)


async def open_link(db: Database, token: str, *, secret: str, now: datetime) -> OpenedLink:
    """The link and its interview's current state, or LinkNotFound / LinkGone."""
    link = await usable_link(db, token, secret=secret, now=now)
    if link.interview_id is None:  # a "choose your time" link with no time chosen yet
        raise LinkNotFound()
    interview = await candidate_interview(db, link.interview_id)
    if interview is None:
        raise LinkNotFound()
    requests = await open_reschedule_requests(db, [interview.id])
    return OpenedLink(link, interview, requests.get(interview.id))


async def usable_link(db: Database, token: str, *, secret: str, now: datetime) -> ShareLink:
    """The row a token names, if it still works; else LinkNotFound / LinkGone."""
    try:
        link_id = verify_candidate_link(token, secret, now=now)
    except LinkInvalid as exc:
        log.info("candidate link refused: %s", exc.reason)  # the reason, never the token
        raise (LinkGone() if exc.reason == "expired" else LinkNotFound()) from None
    link = await get_link(db, link_id)
    if link is None:
        raise LinkNotFound()
    if not link.is_usable(now):
        log.info("candidate link %s refused: %s", link.id, link.state(now))
        raise LinkGone()
    return link
