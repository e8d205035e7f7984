"""The interview platform's webhooks (room opened, interview started, ended with a rating)."""

from portal.web.core.access import Access
from portal.web.core.routing import route
from portal.web.rooms import webhook

routes = [
    route(
        "/platform/webhook",
        webhook.receive,
        name="webhook",
        access=Access.SIGNED,
        methods=["POST"],
        csrf=False,  # the platform signs its requests (Smb-Signature); no browser session
    ),
]
