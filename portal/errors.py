"""Errors the user may see. Each carries an HTTP status and an English message id.

The web layer renders them with `errors/<status>.html` in the viewer's language; anything that
is not a `PortalError` is a bug and reaches the 500 handler.
"""

from __future__ import annotations

from typing import Any

from portal.i18n import N_


class PortalError(Exception):
    """Base of every error with a user-facing message."""

    status = 400
    message = N_("The request could not be handled.")
    # Where the error page's button leads: (route name, label msgid). None: the start page.
    action: tuple[str, str] | None = None

    def __init__(self, message: str | None = None, **params: Any) -> None:
        if message is not None:
            self.message = message
        self.params = params
        super().__init__(self.message % params if params else self.message)


class BadRequest(PortalError):
    status = 400
    message = N_("The request was not valid.")


class Forbidden(PortalError):
    status = 403
    message = N_("You do not have permission to do that.")


class CsrfFailed(Forbidden):
    message = N_("The form had expired or came from another site. Reload the page and try again.")


class NotFound(PortalError):
    status = 404
    message = N_("The page you asked for does not exist.")


class Conflict(PortalError):
    status = 409
    message = N_("Someone else changed this meanwhile.")


class Gone(PortalError):
    status = 410
    message = N_("This link is no longer valid.")


class ServiceUnavailable(PortalError):
    status = 503
    message = N_("A service the portal needs is not reachable right now. Try again shortly.")
