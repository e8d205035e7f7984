"""candidate share links (issue 6): reschedule requests and per-link rate-limit hits

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from portal.db.types import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reschedule_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("windows", sa.JSON(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("handled_at", UTCDateTime(), nullable=True),
        sa.Column("handled_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_reschedule_requests_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["share_links.id"],
            name=op.f("fk_reschedule_requests_link_id_share_links"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["handled_by"], ["people.id"], name=op.f("fk_reschedule_requests_handled_by_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reschedule_requests")),
    )
    with op.batch_alter_table("reschedule_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reschedule_requests_interview_id_handled_at",
            ["interview_id", "handled_at"],
            unique=False,
        )

    op.create_table(
        "share_link_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["share_links.id"],
            name=op.f("fk_share_link_hits_link_id_share_links"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_link_hits")),
    )
    with op.batch_alter_table("share_link_hits", schema=None) as batch_op:
        batch_op.create_index("ix_share_link_hits_link_id_at", ["link_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("share_link_hits", schema=None) as batch_op:
        batch_op.drop_index("ix_share_link_hits_link_id_at")
    op.drop_table("share_link_hits")
    with op.batch_alter_table("reschedule_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_reschedule_requests_interview_id_handled_at")
    op.drop_table("reschedule_requests")
