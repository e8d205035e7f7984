"""Sign-in failures a person can see."""

from __future__ import annotations

from portal.errors import BadRequest, Forbidden, ServiceUnavailable
from portal.i18n import N_

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
