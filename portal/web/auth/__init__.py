"""Signing in with WeCom (OAuth in the WeCom browser, QR login on a desktop) and out."""

from portal.web.auth import login
from portal.web.core.access import Access
from portal.web.core.routing import route

routes = [
    route("/login", login.login, name="login", access=Access.PUBLIC),
    route("/login/wecom", login.start_web_login, name="start", access=Access.PUBLIC),
    route("/auth/callback", login.callback, name="callback", access=Access.PUBLIC),
    route("/logout", login.logout, name="logout", access=Access.PUBLIC, methods=["POST"]),
]
