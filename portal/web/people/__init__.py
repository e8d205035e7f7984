"""People: the admin directory and audit log, HR's per-interviewer limits, the interviewer
picker, and each person's own preferences (language, time zone)."""

from portal.web.core.access import Access
from portal.web.core.routing import route
from portal.web.people import directory, limits, picker, preferences

PERSON = "/people/{person_id:id}"
ADMIN_PERSON = "/admin/people/{person_id:id}"
POST = ["POST"]

routes = [
    route("/admin/people", directory.people, name="list", access=Access.ADMIN),
    route(
        f"{ADMIN_PERSON}/role",
        directory.set_role,
        name="set_role",
        access=Access.ADMIN,
        methods=POST,
    ),
    route(
        f"{ADMIN_PERSON}/active",
        directory.set_active,
        name="set_active",
        access=Access.ADMIN,
        methods=POST,
    ),
    route("/admin/sync", directory.run_sync, name="sync", access=Access.ADMIN, methods=POST),
    route("/admin/audit", directory.audit, name="audit", access=Access.ADMIN),
    route("/people/search", picker.search, name="search", access=Access.HR),
    route(f"{PERSON}/chip", picker.chip, name="chip", access=Access.HR),
    route(f"{PERSON}/limits", limits.page, name="limits", access=Access.HR),
    route(f"{PERSON}/limits", limits.save, name="limits_save", access=Access.HR, methods=POST),
    route("/settings", preferences.page, name="preferences", access=Access.STAFF),
    route(
        "/settings", preferences.save, name="preferences_save", access=Access.STAFF, methods=POST
    ),
]
