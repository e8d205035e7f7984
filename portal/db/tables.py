"""The schema, declared once. Alembic migrations in `migrations/` are the only way it changes."""

from __future__ import annotations

import sqlalchemy as sa

from portal.db.types import JSONValue, UTCDateTime

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _created() -> sa.Column[object]:
    return sa.Column("created_at", UTCDateTime(), nullable=False)


def _updated() -> sa.Column[object]:
    return sa.Column("updated_at", UTCDateTime(), nullable=False)


departments = sa.Table(
    "departments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),  # WeCom department id
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("parent_id", sa.Integer, nullable=True),
    sa.Column("sort_order", sa.Integer, nullable=False, server_default="0"),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    _updated(),
)

people = sa.Table(
    "people",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("wecom_userid", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("english_name", sa.String(128), nullable=True),
    sa.Column("department_ids", JSONValue(), nullable=False),
    sa.Column("position", sa.String(128), nullable=True),
    sa.Column("email", sa.String(254), nullable=True),
    sa.Column("role", sa.String(16), nullable=False, server_default="interviewer"),
    # An admin's explicit role choice survives sign-ins and contact syncs.
    sa.Column("role_override", sa.String(16), nullable=True),
    sa.Column("timezone", sa.String(64), nullable=True),
    sa.Column("locale", sa.String(8), nullable=True),
    sa.Column("digest_opt_in", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    # Switched off by an admin (not by WeCom): sign-in and contact sync leave it off.
    sa.Column("blocked", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("last_login_at", UTCDateTime(), nullable=True),
    # Bumped to end every session of the person at once (sign out, block, role change).
    sa.Column("session_epoch", sa.Integer, nullable=False, server_default="0"),
    # An interviewer's own booking rules; NULL means the application's defaults.
    sa.Column("work_start_minute", sa.Integer, nullable=True),  # minutes after local midnight
    sa.Column("work_end_minute", sa.Integer, nullable=True),
    sa.Column("work_days", sa.String(7), nullable=True),  # weekday digits, Monday is 0: "01234"
    sa.Column("daily_cap", sa.Integer, nullable=True),
    sa.Column("weekly_cap", sa.Integer, nullable=True),
    _created(),
    _updated(),
    sa.CheckConstraint("role IN ('admin', 'hr', 'interviewer')", name="role"),
)
sa.Index("ix_people_name", people.c.name)

candidates = sa.Table(
    "candidates",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("phone", sa.String(32), nullable=True),
    sa.Column("email", sa.String(254), nullable=True),
    sa.Column("timezone", sa.String(64), nullable=True),
    sa.Column("notes", sa.Text, nullable=True),
    _created(),
    _updated(),
    # A résumé kept elsewhere (an ATS, a drive): shown to the panel and HR as a link.
    sa.Column("resume_url", sa.String(2048), nullable=True),
    # The language the candidate's page was last read in ("zh", "en"): their email follows it.
    sa.Column("language", sa.String(8), nullable=True),
)
sa.Index("ix_candidates_name", candidates.c.name)

positions = sa.Table(
    "positions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("title", sa.String(128), nullable=False),
    sa.Column("department", sa.String(128), nullable=True),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    _created(),
    _updated(),
    # The room a new interview for this position gets (HR may choose another per interview).
    sa.Column("room_kind", sa.String(16), nullable=False, server_default="technical"),
    sa.CheckConstraint("room_kind IN ('technical', 'non_technical', 'none')", name="room_kind"),
)

# --- interview plans (issue 15, migration 0012) ---
# A position's plan: its rounds in order. A round removed from the plan keeps its row
# (`removed_at`), so the interviews booked as it keep their kit and scorecard structure.
plan_rounds = sa.Table(
    "plan_rounds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("position_id", sa.ForeignKey("positions.id"), nullable=False),
    sa.Column("sort_order", sa.Integer, nullable=False),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("duration_minutes", sa.Integer, nullable=False),
    sa.Column("room_kind", sa.String(16), nullable=False, server_default="technical"),
    sa.Column("room_paper_uid", sa.String(64), nullable=True),
    sa.Column("panel_size", sa.Integer, nullable=False, server_default="1"),
    # When a panelist declines, invite the best free replacement from the pool at once
    # (migration 0014); otherwise HR is offered it.
    sa.Column("auto_replace", sa.Boolean, nullable=False, server_default=sa.false()),
    # The kit: [{"key", "name", "description", "anchors": [1, 2, 3, 4 texts]}] and
    # [{"text"}] (`scheduling.kits` reads and writes both shapes).
    sa.Column("focus_areas", JSONValue(), nullable=False),
    sa.Column("questions", JSONValue(), nullable=False),
    # The highest focus-area number ever given ("a7" is 7): a new area never takes the key of
    # a deleted one, so a draft's scores never attach to an area they were not written for.
    sa.Column("area_seq", sa.Integer, nullable=False, server_default="0"),
    sa.Column("removed_at", UTCDateTime(), nullable=True),
    _created(),
    _updated(),
    sa.CheckConstraint("room_kind IN ('technical', 'non_technical', 'none')", name="room_kind"),
    sa.CheckConstraint("panel_size BETWEEN 1 AND 5", name="panel_size"),
    sa.CheckConstraint("duration_minutes BETWEEN 15 AND 480", name="duration"),
)
sa.Index(
    "ix_plan_rounds_position_id_sort_order", plan_rounds.c.position_id, plan_rounds.c.sort_order
)

# The interviewers qualified for a round: whom scheduling offers, and replaces decliners from.
plan_round_pool = sa.Table(
    "plan_round_pool",
    metadata,
    sa.Column("round_id", sa.ForeignKey("plan_rounds.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("people.id"), primary_key=True),
)

# A candidate's uploaded résumé (one PDF, the latest wins). Kept in the database so every
# instance serves it; only the panel and HR may read it (`portal/resumes.py`).
resumes = sa.Table(
    "resumes",
    metadata,
    sa.Column("candidate_id", sa.ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("uploaded_by", sa.ForeignKey("people.id"), nullable=True),
    sa.Column("uploaded_at", UTCDateTime(), nullable=False),
)

# A candidate in a position's pipeline: where they stand (HR's last decision).
applications = sa.Table(
    "applications",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("candidate_id", sa.ForeignKey("candidates.id", ondelete="CASCADE"), nullable=False),
    sa.Column("position_id", sa.ForeignKey("positions.id"), nullable=False),
    sa.Column("stage", sa.String(16), nullable=False, server_default="active"),
    # The round number HR advanced the candidate to (the next one to schedule).
    sa.Column("next_round", sa.Integer, nullable=False, server_default="1"),
    _created(),
    _updated(),
    sa.UniqueConstraint("candidate_id", "position_id"),
    sa.CheckConstraint("stage IN ('active', 'rejected', 'offered')", name="stage"),
)

# Every decision HR recorded on a debrief, in order (also in the audit log).
decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "application_id", sa.ForeignKey("applications.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("decision", sa.String(16), nullable=False),
    sa.Column("round", sa.Integer, nullable=False),  # the round it was decided after
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("decided_by", sa.ForeignKey("people.id"), nullable=True),
    sa.Column("decided_at", UTCDateTime(), nullable=False),
    sa.CheckConstraint("decision IN ('advance', 'reject', 'offer')", name="decision"),
)
sa.Index("ix_decisions_application_id_id", decisions.c.application_id, decisions.c.id)
# --- end interview plans ---

interviews = sa.Table(
    "interviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("candidate_id", sa.ForeignKey("candidates.id"), nullable=False),
    sa.Column("position_id", sa.ForeignKey("positions.id"), nullable=False),
    sa.Column("round", sa.Integer, nullable=False, server_default="1"),
    sa.Column("starts_at", UTCDateTime(), nullable=False),
    sa.Column("ends_at", UTCDateTime(), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("room_url", sa.String(2048), nullable=True),
    sa.Column("location", sa.String(256), nullable=True),
    sa.Column("notes", sa.Text, nullable=True),
    sa.Column("candidate_prep", sa.Text, nullable=True),
    sa.Column("hide_interviewers", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("status", sa.String(16), nullable=False, server_default="scheduled"),
    sa.Column("cancel_reason", sa.Text, nullable=True),
    # technical / non_technical: a room on the interview platform; none: room_url only.
    sa.Column("room_kind", sa.String(16), nullable=False, server_default="none"),
    sa.Column("room_paper_uid", sa.String(64), nullable=True),  # a question-bank paper
    # The plan round it was booked as (its kit and scorecard); None: booked without a plan.
    sa.Column("plan_round_id", sa.ForeignKey("plan_rounds.id"), nullable=True),
    # Optimistic concurrency: every update bumps it; a stale form is refused.
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("created_by", sa.ForeignKey("people.id"), nullable=True),
    sa.Column("updated_by", sa.ForeignKey("people.id"), nullable=True),
    _created(),
    _updated(),
    sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    sa.CheckConstraint(
        "status IN ('scheduled', 'confirmed', 'checked_in', 'in_progress', 'completed',"
        " 'cancelled', 'no_show')",
        name="status",
    ),
    sa.CheckConstraint("room_kind IN ('technical', 'non_technical', 'none')", name="room_kind"),
)
sa.Index("ix_interviews_starts_at", interviews.c.starts_at)
sa.Index("ix_interviews_candidate_id_starts_at", interviews.c.candidate_id, interviews.c.starts_at)

interview_interviewers = sa.Table(
    "interview_interviewers",
    metadata,
    sa.Column("interview_id", sa.ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("people.id"), primary_key=True),
    # Copied from the interview so "who is busy when" is one indexed range scan.
    sa.Column("starts_at", UTCDateTime(), nullable=False),
    sa.Column("ends_at", UTCDateTime(), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("rsvp", sa.String(16), nullable=False, server_default="pending"),
    sa.Column("rsvp_reason", sa.Text, nullable=True),
    sa.Column("responded_at", UTCDateTime(), nullable=True),
    sa.Column("overlap_override", sa.Boolean, nullable=False, server_default=sa.false()),
    # False once the row no longer occupies the time (taken off, or the interview cancelled).
    # On PostgreSQL, migration 0003 adds an exclusion constraint over rows that hold their slot
    # without an override: no interviewer is ever booked twice into overlapping time.
    sa.Column("holds_slot", sa.Boolean, nullable=False, server_default=sa.true()),
    # The interviewer's WeCom calendar event, kept in step by the notifications worker.
    sa.Column("wecom_schedule_id", sa.String(128), nullable=True),
    sa.CheckConstraint("rsvp IN ('pending', 'accepted', 'declined')", name="rsvp"),
)
sa.Index(
    "ix_interview_interviewers_person_id_starts_at",
    interview_interviewers.c.person_id,
    interview_interviewers.c.starts_at,
)

# --- candidate self-scheduling (issue 16, migration 0015) ---
# A "choose your time" invitation: HR names the round, the panel (or the round's pool and a
# size) and the length; the candidate picks a start from the free times through their share
# link. `interview_id` is set once, by the pick that wins; `moves` counts the candidate's own
# later moves through the same picker.
self_schedules = sa.Table(
    "self_schedules",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("candidate_id", sa.ForeignKey("candidates.id", ondelete="CASCADE"), nullable=False),
    sa.Column("position_id", sa.ForeignKey("positions.id"), nullable=False),
    sa.Column("plan_round_id", sa.ForeignKey("plan_rounds.id", ondelete="SET NULL"), nullable=True),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("duration_minutes", sa.Integer, nullable=False),
    sa.Column("panel_size", sa.Integer, nullable=False),
    sa.Column("interviewer_ids", JSONValue(), nullable=False),  # required, in HR's order
    sa.Column("days", sa.Integer, nullable=False),  # the next N working days are offered
    sa.Column("min_notice_hours", sa.Integer, nullable=False),
    sa.Column("created_by", sa.ForeignKey("people.id"), nullable=True),
    _created(),
    sa.Column("interview_id", sa.ForeignKey("interviews.id", ondelete="SET NULL"), nullable=True),
    sa.Column("booked_at", UTCDateTime(), nullable=True),
    sa.Column("moves", sa.Integer, nullable=False, server_default="0"),
    sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
    sa.CheckConstraint("panel_size BETWEEN 1 AND 5", name="panel_size"),
    sa.CheckConstraint("days BETWEEN 1 AND 20", name="days"),
)
sa.Index("ix_self_schedules_candidate_id", self_schedules.c.candidate_id)
sa.Index("ix_self_schedules_interview_id", self_schedules.c.interview_id, unique=True)
# --- end candidate self-scheduling ---

# A link names an interview or, before the candidate has chosen a time, a self-schedule.
share_links = sa.Table(
    "share_links",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("interview_id", sa.ForeignKey("interviews.id", ondelete="CASCADE"), nullable=True),
    sa.Column("expires_at", UTCDateTime(), nullable=False),
    sa.Column("revoked_at", UTCDateTime(), nullable=True),
    sa.Column("created_by", sa.ForeignKey("people.id"), nullable=True),
    _created(),
    sa.Column(
        "self_schedule_id",
        sa.ForeignKey("self_schedules.id", ondelete="CASCADE"),
        nullable=True,
    ),
    sa.CheckConstraint(
        "interview_id IS NOT NULL OR self_schedule_id IS NOT NULL", name="names_something"
    ),
)
sa.Index("ix_share_links_interview_id", share_links.c.interview_id)
sa.Index("ix_share_links_self_schedule_id", share_links.c.self_schedule_id)

# --- candidate share links (issue 6, migration 0005) ---
reschedule_requests = sa.Table(
    "reschedule_requests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("interview_id", sa.ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False),
    sa.Column("link_id", sa.ForeignKey("share_links.id", ondelete="SET NULL"), nullable=True),
    # [{"starts_at": iso UTC, "ends_at": iso UTC}, ...], 1-3 windows the candidate proposed.
    sa.Column("windows", JSONValue(), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),  # the zone the candidate typed in
    sa.Column("message", sa.Text, nullable=True),
    _created(),
    sa.Column("handled_at", UTCDateTime(), nullable=True),
    sa.Column("handled_by", sa.ForeignKey("people.id"), nullable=True),
)
sa.Index(
    "ix_reschedule_requests_interview_id_handled_at",
    reschedule_requests.c.interview_id,
    reschedule_requests.c.handled_at,
)

# One row per candidate action attempt: the per-link rate limit holds across processes.
share_link_hits = sa.Table(
    "share_link_hits",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("link_id", sa.ForeignKey("share_links.id", ondelete="CASCADE"), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("at", UTCDateTime(), nullable=False),
)
sa.Index("ix_share_link_hits_link_id_at", share_link_hits.c.link_id, share_link_hits.c.at)
# --- end candidate share links ---

feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("interview_id", sa.ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False),
    sa.Column("person_id", sa.ForeignKey("people.id"), nullable=False),
    sa.Column("rating", sa.Integer, nullable=True),
    sa.Column("recommendation", sa.String(16), nullable=True),
    sa.Column("strengths", sa.Text, nullable=True),
    sa.Column("concerns", sa.Text, nullable=True),
    sa.Column("notes", sa.Text, nullable=True),
    sa.Column("status", sa.String(16), nullable=False, server_default="draft"),
    sa.Column("submitted_at", UTCDateTime(), nullable=True),
    _created(),
    _updated(),
    # A structured scorecard (migration 0012): the focus areas it was written against, copied
    # from the kit (a draft follows the kit, a submitted card keeps its copy for good), and
    # {area key: {"rating": 1-4, "notes": text}}. NULL structure: the old single-rating card.
    sa.Column("structure", JSONValue(), nullable=True),
    sa.Column("scores", JSONValue(), nullable=True),
    sa.UniqueConstraint("interview_id", "person_id"),
    sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 4", name="rating"),
    sa.CheckConstraint("status IN ('draft', 'submitted')", name="status"),
)

status_events = sa.Table(
    "status_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("interview_id", sa.ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False),
    # What changed (migration 0008): a status move, or the time, panel, room or a reply, with
    # what the history shows of it in `detail` (old and new times, names, the room's state).
    sa.Column("kind", sa.String(16), nullable=False, server_default="status"),
    sa.Column("from_status", sa.String(16), nullable=True),
    sa.Column("to_status", sa.String(16), nullable=True),  # None unless kind is "status"
    sa.Column("actor_kind", sa.String(16), nullable=False),  # person, candidate, platform, system
    sa.Column("actor_id", sa.String(64), nullable=True),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("detail", JSONValue(), nullable=True),
    _created(),
)
sa.Index("ix_status_events_interview_id_id", status_events.c.interview_id, status_events.c.id)
sa.Index("ix_status_events_created_at", status_events.c.created_at)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    # A WeCom userid, or a candidate's email address for the email kinds (migration 0014).
    sa.Column("recipient", sa.String(254), nullable=False),
    sa.Column("interview_id", sa.ForeignKey("interviews.id", ondelete="SET NULL"), nullable=True),
    sa.Column("payload", JSONValue(), nullable=False),
    # (event, interview, recipient, version): a repeated action cannot send twice.
    sa.Column("dedupe_key", sa.String(255), nullable=False, unique=True),
    sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
    sa.Column("lease_until", UTCDateTime(), nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("last_errcode", sa.Integer, nullable=True),
    sa.Column("msgid", sa.String(128), nullable=True),
    sa.Column("failed_recipients", sa.Text, nullable=True),
    sa.Column("sent_at", UTCDateTime(), nullable=True),
    _created(),
    # The claim holding the row: results are written only under it (a fenced lease).
    sa.Column("claimed_by", sa.String(64), nullable=True),
    # When the row took one of its recipient's WeCom send slots (30/min, 1000/h per member).
    sa.Column("paced_at", UTCDateTime(), nullable=True),
    # A sent button card (migration 0009): the code that lets the portal update it once (None
    # when spent or never given), and what its buttons were last replaced by (None: live).
    sa.Column("response_code", sa.String(512), nullable=True),
    sa.Column("card_shows", sa.String(16), nullable=True),
    # The request that queued it (migration 0016): the worker logs its send under that id.
    sa.Column("request_id", sa.String(64), nullable=True),
    sa.CheckConstraint(
        "status IN ('pending', 'sending', 'sent', 'dead', 'cancelled')", name="status"
    ),
)
sa.Index("ix_outbox_status_next_attempt_at", outbox.c.status, outbox.c.next_attempt_at)
sa.Index("ix_outbox_interview_id", outbox.c.interview_id)
sa.Index("ix_outbox_recipient_paced_at", outbox.c.recipient, outbox.c.paced_at)

# --- notifications (issue 7, migration 0004) ---
callback_events = sa.Table(
    "callback_events",
    metadata,
    # A digest of the event's identity: WeCom retries an unanswered callback with the same one.
    sa.Column("event_key", sa.String(64), primary_key=True),
    sa.Column("event", sa.String(64), nullable=False),
    sa.Column("from_user", sa.String(64), nullable=True),
    sa.Column("received_at", UTCDateTime(), nullable=False),
)
sa.Index("ix_callback_events_received_at", callback_events.c.received_at)
# --- end notifications ---

wecom_tokens = sa.Table(
    "wecom_tokens",
    metadata,
    # e.g. "access_token:<corpid>:<agentid>"; never keyed by corp alone.
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("expires_at", UTCDateTime(), nullable=False),
    _updated(),
)

# Calendars the app created in WeCom, by what they are for ("interviews"): the place where
# a retried calendar sync can look for the event an interrupted attempt may have added.
wecom_calendars = sa.Table(
    "wecom_calendars",
    metadata,
    sa.Column("purpose", sa.String(32), primary_key=True),
    sa.Column("cal_id", sa.String(128), nullable=False),
    _updated(),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Column("actor_kind", sa.String(16), nullable=False),  # person, candidate, system, wecom
    sa.Column("actor_id", sa.String(64), nullable=True),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target_kind", sa.String(32), nullable=True),
    sa.Column("target_id", sa.String(64), nullable=True),
    sa.Column("detail", JSONValue(), nullable=True),
    sa.Column("ip", sa.String(64), nullable=True),
)
sa.Index("ix_audit_log_at", audit_log.c.at)
sa.Index("ix_audit_log_action_at", audit_log.c.action, audit_log.c.at)

# --- live status (issue 5, migration 0006) ---
# Live status feed: one row per published change, in commit order. Its id is the SSE event id
# a browser resumes from. No foreign key: the feed is a log, pruned after a day, and a replay
# simply skips an interview that no longer renders.
live_events = sa.Table(
    "live_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("interview_id", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    _created(),
    sqlite_autoincrement=True,
)
sa.Index("ix_live_events_interview_id_id", live_events.c.interview_id, live_events.c.id)
sa.Index("ix_live_events_created_at", live_events.c.created_at)
# --- end live status ---

# --- interview rooms on the platform (issue 12, migration 0007) ---
# One row per interview that has (or is getting) a room. The row is also the room's work
# queue: `revision` goes up with every change the platform must hear of (created, panel
# changed), `synced_revision` when the worker has told it; a lease fences the worker.
rooms = sa.Table(
    "rooms",
    metadata,
    sa.Column("interview_id", sa.ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("uid", sa.String(64), nullable=True, unique=True),
    sa.Column("type_id", sa.Integer, nullable=False),
    sa.Column("state", sa.String(16), nullable=False, server_default="preparing"),
    sa.Column("candidate_url", sa.String(2048), nullable=True),
    sa.Column("observer_url", sa.String(2048), nullable=True),  # the platform's shared link
    sa.Column("platform_status", sa.String(32), nullable=True),
    sa.Column("opened_at", UTCDateTime(), nullable=True),
    sa.Column("started_at", UTCDateTime(), nullable=True),
    sa.Column("ended_at", UTCDateTime(), nullable=True),
    sa.Column("rating", sa.Integer, nullable=True),
    sa.Column("revision", sa.Integer, nullable=False, server_default="1"),
    sa.Column("synced_revision", sa.Integer, nullable=False, server_default="0"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
    sa.Column("lease_until", UTCDateTime(), nullable=True),
    sa.Column("claimed_by", sa.String(64), nullable=True),
    # When the first create was sent: a create that timed out may have succeeded after it.
    sa.Column("create_sent_at", UTCDateTime(), nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("last_errcode", sa.Integer, nullable=True),
    sa.Column("reconciled_at", UTCDateTime(), nullable=True),
    _created(),
    _updated(),
    sa.CheckConstraint("state IN ('preparing', 'ready', 'failed', 'closed')", name="state"),
    sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating"),
)
sa.Index("ix_rooms_state_next_attempt_at", rooms.c.state, rooms.c.next_attempt_at)

# Each interviewer's personal link. Only the join redirect reads it, for that person.
room_seats = sa.Table(
    "room_seats",
    metadata,
    sa.Column(
        "interview_id", sa.ForeignKey("rooms.interview_id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("person_id", sa.ForeignKey("people.id"), primary_key=True),
    sa.Column("interviewer_url", sa.String(2048), nullable=False),
)

# Webhooks received: (event, room uid) is the platform's retry identity. A row is written
# before the 200 goes out and `applied_at` set once its change is made, so an event whose
# work was cut short (a crash after the answer) is applied by the next job turn.
platform_events = sa.Table(
    "platform_events",
    metadata,
    sa.Column("event", sa.String(32), primary_key=True),
    sa.Column("uid", sa.String(64), primary_key=True),
    sa.Column("rate", sa.Integer, nullable=True),
    sa.Column("ts", sa.Integer, nullable=True),
    sa.Column("source", sa.String(16), nullable=False),  # webhook, reconcile
    sa.Column("received_at", UTCDateTime(), nullable=False),
    sa.Column("applied_at", UTCDateTime(), nullable=True),
)
sa.Index("ix_platform_events_applied_at", platform_events.c.applied_at)
# --- end interview rooms ---

# --- unavailable blocks ---
# One-off times an interviewer cannot interview ("away Friday afternoon"), added by the
# person; booking them over one is a conflict HR must override.
unavailable_blocks = sa.Table(
    "unavailable_blocks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("person_id", sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    sa.Column("starts_at", UTCDateTime(), nullable=False),
    sa.Column("ends_at", UTCDateTime(), nullable=False),
    sa.Column("note", sa.String(200), nullable=True),
    _created(),
    sa.CheckConstraint("ends_at > starts_at", name="span"),
)
sa.Index(
    "ix_unavailable_blocks_person_id_starts_at",
    unavailable_blocks.c.person_id,
    unavailable_blocks.c.starts_at,
)
# --- end unavailable blocks ---
