"""live status (issue 5, live part): live_events, the ordered feed behind SSE catch-up

Every published live event gets a row; its id is the SSE `id:` a browser resumes from with
Last-Event-ID. SQLite uses AUTOINCREMENT so an id is never reused, even after pruning.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from portal.db.types import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "live_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_events")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("live_events", schema=None) as batch_op:
        batch_op.create_index("ix_live_events_created_at", ["created_at"], unique=False)
        batch_op.create_index(
            "ix_live_events_interview_id_id", ["interview_id", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("live_events", schema=None) as batch_op:
        batch_op.drop_index("ix_live_events_interview_id_id")
        batch_op.drop_index("ix_live_events_created_at")
    op.drop_table("live_events")
