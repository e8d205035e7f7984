"""Sign-in and directory failures a person can see, and the one seam where WeCom errors
become portal errors (`from_wecom`)."""

from __future__ import annotations

import logging

from portal.errors import BadRequest, Forbidden, PortalError, ServiceUnavailable
from portal.i18n import N_
from portal.wecom.errors import (
    AccessTokenInvalid,
    ConcurrencyLimited,
    InvalidCode,
    InvalidCredentials,
    IpNotAllowed,
    PermissionDenied,
    RateLimited,
    SystemBusy,
    UnknownUser,
    WeComError,
    WeComUnavailable,
)

log = logging.getLogger(__name__)

SIGN_IN_AGAIN = ("auth:login", N_("Sign in again"))


class SignInExpired(BadRequest):
    message = N_("Your sign-in attempt expired or was already used. Please sign in again.")
    action = SIGN_IN_AGAIN


class NotAMember(Forbidden):
    message = N_("Only members of the company's WeCom can sign in to the portal.")


class MemberInactive(Forbidden):
    message = N_("Your WeCom account is disabled or has left the company, so you cannot sign in.")


class WeComUnreachable(ServiceUnavailable):
    message = N_("WeCom could not be reached. Please try again in a moment.")
    action = ("auth:login", N_("Try again"))


class WeComMisconfigured(ServiceUnavailable):
    message = N_(
        "WeCom does not accept the portal's settings (secret, trusted IP or app permissions). "
        "An administrator must correct them."
    )


# Most specific first: the first class `exc` is an instance of decides.
_OUTCOMES: tuple[tuple[type[WeComError], type[PortalError]], ...] = (
    (InvalidCode, SignInExpired),
    (UnknownUser, NotAMember),
    (WeComUnavailable, WeComUnreachable),
    (SystemBusy, WeComUnreachable),
    (RateLimited, WeComUnreachable),
    (ConcurrencyLimited, WeComUnreachable),
    # An admin has to act: the token still fails after the client's one refresh, the secret
    # or corp id is wrong, our IP is not trusted, or the app may not call this API.
    (AccessTokenInvalid, WeComMisconfigured),
    (InvalidCredentials, WeComMisconfigured),
    (IpNotAllowed, WeComMisconfigured),
    (PermissionDenied, WeComMisconfigured),
)


def from_wecom(exc: WeComError) -> PortalError:
    """What the portal tells a person when a WeCom call failed with `exc`.

    Raise it `from exc`. Errcodes with no meaning of their own read as "WeCom unreachable".
    """
    outcome = next((error for kind, error in _OUTCOMES if isinstance(exc, kind)), None)
    if outcome is None or outcome is WeComMisconfigured:
        # errcode and path only: errmsg may echo arguments such as an OAuth code.
        log.warning("WeCom refused %s with errcode %s", exc.path, exc.errcode)
    return (outcome or WeComUnreachable)()
