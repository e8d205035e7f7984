"""HR's records: candidates (the people interviewed, who never sign in) and positions."""

from portal.web.core.access import Access
from portal.web.core.routing import route
from portal.web.records import candidates, positions

POST = ["POST"]

routes = [
    route("/candidates", candidates.index, name="candidates", access=Access.HR),
    route("/candidates/options", candidates.options, name="candidate_options", access=Access.HR),
    route("/candidates/new", candidates.new, name="candidate_new", access=Access.HR),
    route("/candidates", candidates.save, name="candidate_create", access=Access.HR, methods=POST),
    route(
        "/candidates/{candidate_id:id}/edit",
        candidates.edit,
        name="candidate_edit",
        access=Access.HR,
    ),
    route(
        "/candidates/{candidate_id:id}/edit",
        candidates.save,
        name="candidate_update",
        access=Access.HR,
        methods=POST,
    ),
    route("/positions", positions.index, name="positions", access=Access.HR),
    route("/positions/new", positions.new, name="position_new", access=Access.HR),
    route("/positions", positions.save, name="position_create", access=Access.HR, methods=POST),
    route(
        "/positions/{position_id:id}/edit", positions.edit, name="position_edit", access=Access.HR
    ),
    route(
        "/positions/{position_id:id}/edit",
        positions.save,
        name="position_update",
        access=Access.HR,
        methods=POST,
    ),
]
