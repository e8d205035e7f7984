"""The WeCom callback URL: the URL check and encrypted events (card buttons, contact changes)."""

from portal.web.core.access import Access
from portal.web.core.routing import route
from portal.web.wecom_events import callback

routes = [
    route(
        "/wecom/callback",
        callback.callback,
        name="callback",
        access=Access.SIGNED,
        methods=["GET", "POST"],
        csrf=False,  # WeCom signs its requests; there is no browser session to protect
    ),
]
