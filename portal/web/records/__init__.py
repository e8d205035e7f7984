"""HR's records: candidates (the people interviewed, who never sign in) and positions."""

from portal.web.core.access import Access
from portal.web.core.limits import BodyRule
from portal.web.core.routing import route
from portal.web.records import candidates, debrief, plans, positions, resumes, self_schedule

POST = ["POST"]
PLAN = "/positions/{position_id:id}/plan"
ROUND = PLAN + "/rounds/{round_id:id}"
CHOICE = "/candidates/{candidate_id:id}/self-schedule"
ROUND_BODY = BodyRule(max_bytes=2 * 1024 * 1024)  # ten focus areas and thirty questions

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
    route(
        "/candidates/{candidate_id:id}/resume",
        resumes.serve,
        name="resume",
        access=Access.STAFF,
    ),
    route(
        "/candidates/{candidate_id:id}/resume",
        resumes.upload,
        name="resume_upload",
        access=Access.HR,
        methods=POST,
        body=resumes.UPLOAD,
    ),
    route(
        "/candidates/{candidate_id:id}/resume/remove",
        resumes.remove,
        name="resume_remove",
        access=Access.HR,
        methods=POST,
    ),
    route(CHOICE, self_schedule.show, name="self_schedule", access=Access.HR),
    route(CHOICE, self_schedule.send, name="self_schedule_send", access=Access.HR, methods=POST),
    route(
        CHOICE + "/{schedule_id:id}/withdraw",
        self_schedule.withdraw,
        name="self_schedule_withdraw",
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
    route(PLAN, plans.index, name="plan", access=Access.HR),
    route(PLAN + "/area-row", plans.area_row, name="plan_area_row", access=Access.HR),
    route(PLAN + "/question-row", plans.question_row, name="plan_question_row", access=Access.HR),
    route(PLAN + "/rounds/new", plans.new, name="plan_round_new", access=Access.HR),
    route(
        PLAN + "/rounds/new",
        plans.save,
        name="plan_round_create",
        access=Access.HR,
        methods=POST,
        body=ROUND_BODY,
    ),
    route(ROUND, plans.edit, name="plan_round_edit", access=Access.HR),
    route(
        ROUND,
        plans.save,
        name="plan_round_update",
        access=Access.HR,
        methods=POST,
        body=ROUND_BODY,
    ),
    route(
        ROUND + "/remove", plans.remove, name="plan_round_remove", access=Access.HR, methods=POST
    ),
    route(ROUND + "/move", plans.move, name="plan_round_move", access=Access.HR, methods=POST),
    route(
        "/positions/{position_id:id}/candidates/{candidate_id:id}",
        debrief.show,
        name="debrief",
        access=Access.STAFF,
    ),
    route(
        "/positions/{position_id:id}/candidates/{candidate_id:id}/decision",
        debrief.save_decision,
        name="decide",
        access=Access.HR,
        methods=POST,
    ),
    route(
        "/positions/{position_id:id}/candidates/{candidate_id:id}/nudge",
        debrief.send_nudge,
        name="nudge",
        access=Access.HR,
        methods=POST,
    ),
    route(
        "/positions/{position_id:id}/pipeline",
        debrief.show_pipeline,
        name="pipeline",
        access=Access.HR,
    ),
]
