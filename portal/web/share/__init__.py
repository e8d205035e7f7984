"""The candidate's share link: their pages (no account, the signed link is the key) and HR's
page for the link (copy, regenerate, revoke, reschedule requests)."""

from portal.web.core.access import Access
from portal.web.core.routing import route
from portal.web.share import choose, manage, pages

PAGE = "/c/{token}"
LINK = "/interviews/{interview_id:id}/link"
POST = ["POST"]

routes = [
    route(PAGE, pages.page, name="page", access=Access.SIGNED),
    route(f"{PAGE}/calendar.ics", pages.calendar, name="calendar", access=Access.SIGNED),
    route(f"{PAGE}/join", pages.join, name="join", access=Access.SIGNED),
    route(f"{PAGE}/confirm", pages.confirm, name="confirm", access=Access.SIGNED, methods=POST),
    route(f"{PAGE}/checkin", pages.check_in, name="checkin", access=Access.SIGNED, methods=POST),
    route(f"{PAGE}/cancel", pages.cancel, name="cancel", access=Access.SIGNED, methods=POST),
    route(
        f"{PAGE}/reschedule",
        pages.reschedule,
        name="reschedule",
        access=Access.SIGNED,
        methods=POST,
    ),
    route(f"{PAGE}/pick", choose.pick, name="pick", access=Access.SIGNED, methods=POST),
    route(f"{PAGE}/move", choose.move_page, name="move_page", access=Access.SIGNED),
    route(f"{PAGE}/move", choose.move, name="move", access=Access.SIGNED, methods=POST),
    route(LINK, manage.show, name="link", access=Access.HR),
    route(
        f"{LINK}/regenerate", manage.regenerate, name="regenerate", access=Access.HR, methods=POST
    ),
    route(f"{LINK}/revoke", manage.revoke, name="revoke", access=Access.HR, methods=POST),
    route(
        f"{LINK}/request-handled",
        manage.request_handled,
        name="request_handled",
        access=Access.HR,
        methods=POST,
    ),
]
