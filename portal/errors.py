"""The one tree of errors a person may see. Each carries an HTTP status and an English msgid.

    PortalError                     400  base; `message` % `params`, optional `action` button
    ├── BadRequest                  400
    ├── Forbidden                   403  (CsrfFailed, NotAMember, MemberInactive)
    ├── NotFound                    404
    ├── Conflict                    409
    ├── Gone                        410
    ├── TooManyAttempts             429  (portal.share.ratelimit)
    ├── ServiceUnavailable          503  (WeComUnreachable, WeComMisconfigured)
    └── DomainError                 422  a rule said no; the form it came from shows it inline
                                         (portal.scheduling, use-case refusals, StaleInterview)

This module stays pure (no web, no I/O) so that `portal.scheduling` can derive from it. The web
layer renders every `PortalError` with `errors/<status>.html` in the viewer's language;
anything else is a bug and reaches the 500 handler. WeCom failures become portal errors in one
place: `portal.directory.errors.from_wecom`.
"""

from __future__ import annotations

from collections.abc import Mapping

from portal.i18n import N_


class PortalError(Exception):
    """Base of every error with a user-facing message."""

    status = 400
    message = N_("The request could not be handled.")
    # Where the error page's button leads: (route name, label msgid). None: the start page.
    action: tuple[str, str] | None = None

    def __init__(
        self,
        message: str | None = None,
        params: Mapping[str, object] | None = None,
        *,
        status: int | None = None,
    ) -> None:
        if message is not None:
            self.message = message
        self.params: dict[str, object] = dict(params or {})
        if status is not None:
            self.status = status
        super().__init__(self.message % self.params if self.params else self.message)


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


class DomainError(PortalError):
    """A rule refused a change. Forms catch these and show them beside the fields they name."""

    status = 422
