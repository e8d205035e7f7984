"""HR's interviews: the board, the week, scheduling forms, reschedule and cancel, status."""

from portal.web.core.access import Access
from portal.web.core.routing import route
from portal.web.interviews import (
    board,
    changes,
    forms,
    grid,
    request_slots,
    room,
    round_block,
    week,
)
from portal.web.interviews import load as load_page
from portal.web.interviews import replace as replace_page

ONE = "/interviews/{interview_id:id}"
POST = ["POST"]

routes = [
    route("/board", board.board, name="board", access=Access.HR),
    route("/week", week.week, name="week", access=Access.HR),
    route("/week/interviewers", week.busy, name="busy", access=Access.HR),
    route("/load", load_page.load, name="load", access=Access.HR),
    route("/availability", grid.grid, name="grid", access=Access.HR),
    route("/availability/book", grid.book, name="grid_book", access=Access.HR, methods=POST),
    route("/interviews/new", forms.new, name="new", access=Access.HR),
    route("/interviews", forms.create, name="create", access=Access.HR, methods=POST),
    route("/interviews/check", forms.check, name="check", access=Access.HR, methods=POST),
    route("/interviews/round-offer", round_block.refresh, name="round_offer", access=Access.HR),
    route(ONE, board.detail_page, name="detail", access=Access.HR),
    route(f"{ONE}/status", board.change_status, name="status", access=Access.HR, methods=POST),
    route(f"{ONE}/edit", forms.edit, name="edit", access=Access.HR),
    route(f"{ONE}/edit", forms.update, name="update", access=Access.HR, methods=POST),
    route(f"{ONE}/reschedule", changes.reschedule_form, name="reschedule", access=Access.HR),
    route(
        f"{ONE}/reschedule",
        changes.reschedule,
        name="reschedule_save",
        access=Access.HR,
        methods=POST,
    ),
    route(f"{ONE}/reschedule/slots", request_slots.show, name="request_slots", access=Access.HR),
    route(
        f"{ONE}/reschedule/apply",
        request_slots.apply,
        name="reschedule_apply",
        access=Access.HR,
        methods=POST,
    ),
    route(f"{ONE}/observe", room.observe, name="observe", access=Access.HR),
    route(f"{ONE}/room/retry", room.retry, name="room_retry", access=Access.HR, methods=POST),
    route(f"{ONE}/cancel", changes.cancel_form, name="cancel", access=Access.HR),
    route(f"{ONE}/cancel", changes.cancel, name="cancel_save", access=Access.HR, methods=POST),
    route(f"{ONE}/replace", replace_page.replace, name="replace", access=Access.HR, methods=POST),
]
