"""candidate self-scheduling (issue 16): "choose your time" invitations, share links that name
one before an interview exists, and the candidate's language for their email

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from portal.db.types import JSONValue, UTCDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "self_schedules",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("candidate_id", sa.Integer, nullable=False),
        sa.Column("position_id", sa.Integer, nullable=False),
        sa.Column("plan_round_id", sa.Integer, nullable=True),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        sa.Column("panel_size", sa.Integer, nullable=False),
        sa.Column("interviewer_ids", JSONValue(), nullable=False),
        sa.Column("days", sa.Integer, nullable=False),
        sa.Column("min_notice_hours", sa.Integer, nullable=False),
        sa.Column("created_by", sa.Integer, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("interview_id", sa.Integer, nullable=True),
        sa.Column("booked_at", UTCDateTime(), nullable=True),
        sa.Column("moves", sa.Integer, nullable=False, server_default="0"),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name="fk_self_schedules_candidate_id_candidates",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["position_id"], ["positions.id"], name="fk_self_schedules_position_id_positions"
        ),
        sa.ForeignKeyConstraint(
            ["plan_round_id"],
            ["plan_rounds.id"],
            name="fk_self_schedules_plan_round_id_plan_rounds",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["people.id"], name="fk_self_schedules_created_by_people"
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name="fk_self_schedules_interview_id_interviews",
            ondelete="SET NULL",
        ),
        sa.CheckConstraint("panel_size BETWEEN 1 AND 5", name="ck_self_schedules_panel_size"),
        sa.CheckConstraint("days BETWEEN 1 AND 20", name="ck_self_schedules_days"),
    )
    op.create_index("ix_self_schedules_candidate_id", "self_schedules", ["candidate_id"])
    op.create_index(
        "ix_self_schedules_interview_id", "self_schedules", ["interview_id"], unique=True
    )
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.alter_column("interview_id", existing_type=sa.Integer, nullable=True)
        batch_op.add_column(sa.Column("self_schedule_id", sa.Integer, nullable=True))
        batch_op.create_foreign_key(
            "fk_share_links_self_schedule_id_self_schedules",
            "self_schedules",
            ["self_schedule_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint(
            "ck_share_links_names_something",
            "interview_id IS NOT NULL OR self_schedule_id IS NOT NULL",
        )
        batch_op.create_index("ix_share_links_self_schedule_id", ["self_schedule_id"])
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_column("language")
    op.execute("DELETE FROM share_links WHERE interview_id IS NULL")
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.drop_index("ix_share_links_self_schedule_id")
        batch_op.drop_constraint("ck_share_links_names_something", type_="check")
        batch_op.drop_constraint(
            "fk_share_links_self_schedule_id_self_schedules", type_="foreignkey"
        )
        batch_op.drop_column("self_schedule_id")
        batch_op.alter_column("interview_id", existing_type=sa.Integer, nullable=False)
    op.drop_index("ix_self_schedules_interview_id", table_name="self_schedules")
    op.drop_index("ix_self_schedules_candidate_id", table_name="self_schedules")
    op.drop_table("self_schedules")
