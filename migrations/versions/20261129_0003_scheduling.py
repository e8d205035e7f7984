"""interview scheduling (issue 5): who changed an interview, per-person booking rules, and the
double-booking guarantee

- `interviews.updated_by`: the person behind the latest change ("changed by X meanwhile").
- `people.work_start_minute` / `work_end_minute` / `work_days` / `daily_cap` / `weekly_cap`:
  an interviewer's own working hours and caps; NULL falls back to the application's rules.
- `interview_interviewers.holds_slot`: false once the row no longer occupies the time (the
  interviewer was taken off or the interview was cancelled).
- PostgreSQL only: a btree_gist exclusion constraint, so two transactions can never both book
  one interviewer into overlapping time (the buffer stays an application rule).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EXCLUSION = "ex_interview_interviewers_no_overlap"


def upgrade() -> None:
    with op.batch_alter_table("interviews") as batch_op:
        batch_op.add_column(sa.Column("updated_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_interviews_updated_by_people", "people", ["updated_by"], ["id"]
        )
    with op.batch_alter_table("people") as batch_op:
        batch_op.add_column(sa.Column("work_start_minute", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("work_end_minute", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("work_days", sa.String(7), nullable=True))
        batch_op.add_column(sa.Column("daily_cap", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("weekly_cap", sa.Integer(), nullable=True))
    with op.batch_alter_table("interview_interviewers") as batch_op:
        batch_op.add_column(
            sa.Column("holds_slot", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    if op.get_bind().dialect.name == "postgresql":
        # A trusted extension since PostgreSQL 13: a database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            f"ALTER TABLE interview_interviewers ADD CONSTRAINT {EXCLUSION} EXCLUDE USING gist"
            " (person_id WITH =, tstzrange(starts_at, ends_at) WITH &&)"
            " WHERE (holds_slot AND NOT overlap_override)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE interview_interviewers DROP CONSTRAINT IF EXISTS {EXCLUSION}")
    with op.batch_alter_table("interview_interviewers") as batch_op:
        batch_op.drop_column("holds_slot")
    with op.batch_alter_table("people") as batch_op:
        for column in ("weekly_cap", "daily_cap", "work_days", "work_end_minute"):
            batch_op.drop_column(column)
        batch_op.drop_column("work_start_minute")
    with op.batch_alter_table("interviews") as batch_op:
        batch_op.drop_constraint("fk_interviews_updated_by_people", type_="foreignkey")
        batch_op.drop_column("updated_by")
