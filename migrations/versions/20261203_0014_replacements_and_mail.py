"""replacements and candidate mail (issue 16): a round may replace decliners by itself;
outbox recipients may be email addresses

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plan_rounds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("auto_replace", sa.Boolean, nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column(
            "recipient", existing_type=sa.String(64), type_=sa.String(254), existing_nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column(
            "recipient", existing_type=sa.String(254), type_=sa.String(64), existing_nullable=False
        )
    with op.batch_alter_table("plan_rounds", schema=None) as batch_op:
        batch_op.drop_column("auto_replace")
