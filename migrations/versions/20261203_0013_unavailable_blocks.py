"""unavailable_blocks: one-off times an interviewer is away, which booking respects

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from portal.db.types import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "unavailable_blocks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("note", sa.String(200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_unavailable_blocks_person_id_people",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("ends_at > starts_at", name="ck_unavailable_blocks_span"),
    )
    op.create_index(
        "ix_unavailable_blocks_person_id_starts_at",
        "unavailable_blocks",
        ["person_id", "starts_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_unavailable_blocks_person_id_starts_at", table_name="unavailable_blocks")
    op.drop_table("unavailable_blocks")
