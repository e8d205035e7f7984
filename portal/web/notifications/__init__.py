"""HR's view of the outbox: what was sent, what is waiting, dead letters to retry or discard."""

from portal.web.core.access import Access
from portal.web.core.routing import route
from portal.web.notifications import outbox

ONE = "/admin/notifications/{outbox_id:id}"
POST = ["POST"]

routes = [
    route("/admin/notifications", outbox.overview, name="list", access=Access.HR),
    route("/admin/notifications/warning", outbox.warning, name="warning", access=Access.HR),
    route(f"{ONE}/retry", outbox.retry, name="retry", access=Access.HR, methods=POST),
    route(f"{ONE}/discard", outbox.discard, name="discard", access=Access.HR, methods=POST),
]
