"""Live status over SSE: the board's rows and counts, and one interview's page sections."""

from portal.web.core.access import Access
from portal.web.core.routing import route
from portal.web.live import stream

routes = [
    route("/live/board", stream.board, name="board", access=Access.HR),
    route(
        "/live/interviews/{interview_id:id}",
        stream.interview,
        name="interview",
        access=Access.STAFF,
    ),
]
