"""interview plans (issue 15): rounds with kits, structured scorecards, résumés, the pipeline

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 15:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from portal.db.types import JSONValue, UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_rounds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("position_id", sa.Integer, nullable=False),
        sa.Column("sort_order", sa.Integer, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        sa.Column("room_kind", sa.String(16), nullable=False, server_default="technical"),
        sa.Column("room_paper_uid", sa.String(64), nullable=True),
        sa.Column("panel_size", sa.Integer, nullable=False, server_default="1"),
        sa.Column("focus_areas", JSONValue(), nullable=False),
        sa.Column("questions", JSONValue(), nullable=False),
        sa.Column("area_seq", sa.Integer, nullable=False, server_default="0"),
        sa.Column("removed_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["position_id"], ["positions.id"], name="fk_plan_rounds_position_id_positions"
        ),
        sa.CheckConstraint(
            "room_kind IN ('technical', 'non_technical', 'none')", name="ck_plan_rounds_room_kind"
        ),
        sa.CheckConstraint("panel_size BETWEEN 1 AND 5", name="ck_plan_rounds_panel_size"),
        sa.CheckConstraint("duration_minutes BETWEEN 15 AND 480", name="ck_plan_rounds_duration"),
    )
    op.create_index(
        "ix_plan_rounds_position_id_sort_order", "plan_rounds", ["position_id", "sort_order"]
    )
    op.create_table(
        "plan_round_pool",
        sa.Column("round_id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, primary_key=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["plan_rounds.id"],
            name="fk_plan_round_pool_round_id_plan_rounds",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_plan_round_pool_person_id_people"
        ),
    )
    op.create_table(
        "resumes",
        sa.Column("candidate_id", sa.Integer, primary_key=True),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("uploaded_by", sa.Integer, nullable=True),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name="fk_resumes_candidate_id_candidates",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["people.id"], name="fk_resumes_uploaded_by_people"
        ),
    )
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("candidate_id", sa.Integer, nullable=False),
        sa.Column("position_id", sa.Integer, nullable=False),
        sa.Column("stage", sa.String(16), nullable=False, server_default="active"),
        sa.Column("next_round", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name="fk_applications_candidate_id_candidates",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["position_id"], ["positions.id"], name="fk_applications_position_id_positions"
        ),
        sa.UniqueConstraint(
            "candidate_id", "position_id", name="uq_applications_candidate_id_position_id"
        ),
        sa.CheckConstraint(
            "stage IN ('active', 'rejected', 'offered')", name="ck_applications_stage"
        ),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("application_id", sa.Integer, nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("decided_by", sa.Integer, nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name="fk_decisions_application_id_applications",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["people.id"], name="fk_decisions_decided_by_people"
        ),
        sa.CheckConstraint(
            "decision IN ('advance', 'reject', 'offer')", name="ck_decisions_decision"
        ),
    )
    op.create_index("ix_decisions_application_id_id", "decisions", ["application_id", "id"])
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resume_url", sa.String(2048), nullable=True))
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_round_id", sa.Integer, nullable=True))
        batch_op.create_foreign_key(
            "fk_interviews_plan_round_id_plan_rounds", "plan_rounds", ["plan_round_id"], ["id"]
        )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.add_column(sa.Column("structure", JSONValue(), nullable=True))
        batch_op.add_column(sa.Column("scores", JSONValue(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_column("scores")
        batch_op.drop_column("structure")
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.drop_constraint("fk_interviews_plan_round_id_plan_rounds", type_="foreignkey")
        batch_op.drop_column("plan_round_id")
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_column("resume_url")
    op.drop_index("ix_decisions_application_id_id", table_name="decisions")
    op.drop_table("decisions")
    op.drop_table("applications")
    op.drop_table("resumes")
    op.drop_table("plan_round_pool")
    op.drop_index("ix_plan_rounds_position_id_sort_order", table_name="plan_rounds")
    op.drop_table("plan_rounds")
