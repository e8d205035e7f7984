"""An interviewer's own interviews (the WeCom phone view): list, detail, RSVP, status, feedback."""

from portal.web.core.access import Access
from portal.web.core.limits import BodyRule
from portal.web.core.routing import route
from portal.web.mine import away, pages

ONE = "/mine/{interview_id:id}"
POST = ["POST"]
# A structured card: up to 10 areas of 2000 characters, beyond the 256 KiB form default.
CARD = BodyRule(max_bytes=1024 * 1024)

routes = [
    route("/mine", pages.index, name="list", access=Access.STAFF),
    route("/mine/away", away.page, name="away", access=Access.STAFF),
    route("/mine/away", away.add, name="away_add", access=Access.STAFF, methods=POST),
    route(
        "/mine/away/{block_id:id}/remove",
        away.remove,
        name="away_remove",
        access=Access.STAFF,
        methods=POST,
    ),
    route(ONE, pages.detail_page, name="detail", access=Access.STAFF),
    # The WeCom card's "Join": signs in through WeCom if needed, then the person's own seat.
    route(f"{ONE}/join", pages.join, name="join", access=Access.STAFF),
    route(f"{ONE}/rsvp", pages.rsvp, name="rsvp", access=Access.STAFF, methods=POST),
    route(f"{ONE}/status", pages.change_status, name="status", access=Access.STAFF, methods=POST),
    route(f"{ONE}/scorecard", pages.scorecard_page, name="scorecard", access=Access.STAFF),
    route(
        f"{ONE}/feedback",
        pages.feedback,
        name="feedback",
        access=Access.STAFF,
        methods=POST,
        body=CARD,
    ),
    route(
        f"{ONE}/feedback/field",
        pages.feedback_field,
        name="feedback_field",
        access=Access.STAFF,
        methods=POST,
    ),
]
